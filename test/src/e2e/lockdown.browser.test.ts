import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, waitFor, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');

describeUnless(chromiumSkipReason())('lockdown from the guard dashboard in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  const decisions: string[] = [];

  async function signIn(user: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(system.server.url);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(`${user}-demo`);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="socket-status"][data-state="connected"]').waitFor();
    return page;
  }

  beforeAll(async () => {
    system = await startSystem({ dashboard: true });
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
    system.agent.decisions.on('decision', (d) => decisions.push(d.decision.reason));
  });
  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  test('an async handler that fails with nothing to catch it shows as a failed action; a form validation failure does not', async () => {
    const guard = await signIn('guard');
    // What an antd onClick/onFinish that threw would leave behind: a rejection no one handles.
    await guard.evaluate(() => {
      void Promise.reject(Object.assign(new Error('validation'), { errorFields: [{ name: ['x'], errors: ['required'] }] }));
      void Promise.reject(new Error('网络中断'));
    });
    const shown = guard.locator('.action-error');
    await shown.first().waitFor({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await shown.allInnerTexts(), ['操作失败：网络中断']);
    await guard.close();
  });

  test('a guard locks the site down: every staff screen shows the banner live, the door refuses, the guard ends it', async () => {
    const guard = await signIn('guard');
    const auditor = await signIn('auditor');
    assert.equal(await auditor.getByTestId('lockdown-start').count(), 0, 'auditors change nothing');

    await guard.getByTestId('lockdown-start').click();
    await guard.getByTestId('lockdown-reason').fill('演练 drill');
    await guard.getByTestId('lockdown-start-confirm').click();
    await guard.locator('[data-testid="lockdown-banner"][data-scope="site"]').waitFor();
    await auditor.locator('[data-testid="lockdown-banner"][data-scope="site"]').waitFor({ timeout: 5000 });
    assert.match(await auditor.getByTestId('lockdown-banner').innerText(), /演练 drill/);
    assert.equal(await auditor.getByTestId('lockdown-end-site').count(), 0);
    await guard.screenshot({ path: join(screenshots, 'lockdown-zh-CN.png') });

    const admin = await system.token('admin');
    const version = (await system.api<{ permissionVersion: number }>(admin, 'GET', '/api/site')).body.permissionVersion;
    await waitFor(() => (system.agent.permissionVersion ?? 0) >= version, 'the agent to apply the lockdown', 10_000);
    await system.sim.badge('lab', 3887558);
    await waitFor(() => decisions.at(-1) === 'lockdown', 'the lab to refuse with lockdown');

    await guard.getByTestId('lockdown-end-site').click();
    await guard.getByTestId('lockdown-end-confirm').click();
    await auditor.locator('[data-testid="lockdown-banner"]').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await guard.locator('[data-testid="lockdown-banner"]').count(), 0);
  });
});
