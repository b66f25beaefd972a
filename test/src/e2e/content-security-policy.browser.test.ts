import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '@acs/server/testing/server-harness';
import { type CspViolation, chromiumSkipReason, launchChromium, watchCspViolations } from '../support/chromium.js';
import { repoRoot } from '../support/system.js';

describeUnless(chromiumSkipReason())('the Content-Security-Policy in Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  async function open(): Promise<{ page: Page; violations: CspViolation[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    return { page, violations: await watchCspViolations(page) };
  }
  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(t.url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(`${username}-demo`);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('page-live').waitFor();
  }

  beforeAll(async () => {
    t = await startTestServer({ dashboardDir: join(repoRoot, 'dashboard', 'dist') });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the built dashboard runs under the policy: sign-in, live events over socket.io and several pages, no violation', async () => {
    const { page, violations } = await open();
    await signIn(page, 'admin');
    await page.locator('[data-testid="socket-status"][data-state="connected"]').waitFor();
    for (const [nav, pageId] of [
      ['nav-incidents', 'page-incidents'],
      ['nav-reception', 'page-reception'],
      ['nav-reports', 'page-reports'],
      ['nav-audit', 'page-audit'],
    ] as const) {
      await page.getByTestId(nav).click();
      await page.getByTestId(pageId).waitFor();
    }
    // The other language loads its own strings: still nothing outside the policy.
    const lang = await page.getAttribute('html', 'lang');
    await page.getByTestId('lang-switch').click();
    await page.locator(`html:not([lang="${lang}"])`).waitFor({ state: 'attached' });
    assert.deepEqual(violations, []);
    await page.close();
  });

  test('the API docs page shows Swagger UI from the session of the tab with no violation', async () => {
    const { page, violations } = await open();
    await signIn(page, 'auditor');
    await page.goto(`${t.url}/api/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 10_000 });
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /Access control and visitor management API/);
    assert.deepEqual(violations, []);
    await page.close();
  });

  test('the API docs page without a session offers the token field, still with no violation', async () => {
    const { page, violations } = await open();
    await page.goto(`${t.url}/api/docs`);
    await page.locator('#signin:not([hidden])').waitFor();
    assert.deepEqual(violations, []);
    await page.close();
  });

  test('an injected inline script does not run and is reported, so the checks above can see one', async () => {
    const { page, violations } = await open();
    await page.goto(t.url);
    await page.getByTestId('login-username').waitFor();
    const ran = await page.evaluate(`(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.appendChild(script);
      await new Promise((r) => setTimeout(r, 100));
      return window.__injected === true;
    })()`);
    assert.equal(ran, false);
    assert.ok(
      violations.some((v) => v.directive.startsWith('script-src')),
      JSON.stringify(violations),
    );
    await page.close();
  });

  test('the dashboard refuses to be framed by another page', async () => {
    // The framing page on another local port: a different origin, yet no private-network
    // rule of the browser in the way, so only the dashboard's own headers can refuse.
    const framer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe src="${t.url}/"></iframe>`),
    );
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    try {
      const { page } = await open();
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      // Chromium replaces a refused frame with its error page (the refusal is logged in the
      // frame's own process, out of the page's console).
      const child = () => page.frames().find((f) => f !== page.mainFrame());
      for (let i = 0; i < 50 && !child()?.url().startsWith('chrome-error:'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(child()?.url() ?? '', /^chrome-error:/);
      await page.close();
    } finally {
      framer.close();
    }
  });
});
