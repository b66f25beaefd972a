/**
 * The Readers page in Chromium, against the whole system: the demo agent's simulated OSDP
 * reader (office gate, exit) starts without a key; an admin opens a provisioning window
 * and installs a key from the page; the reader's secure channel comes up and a card read
 * over it is decided by the agent. Guards see the page without the admin actions.
 */
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ReaderView } from '@acs/shared/readers/reader-views';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, waitFor, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');
const READER = 'agent-1.office-gate-out';

async function signIn(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(`${user}-demo`);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('page-live').waitFor();
}

describeUnless(chromiumSkipReason())('the Readers page in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem({ dashboard: true });
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  test('an admin provisions the OSDP reader: window, key, secure channel, then a card over it', async () => {
    const admin = await system.token('admin');
    await waitFor(
      async () => {
        const res = await system.api<ReaderView[]>(admin, 'GET', '/api/readers');
        return res.body.some((r) => r.id === READER && r.online && r.osdp?.secureChannel === 'awaiting_key');
      },
      'the OSDP reader reported online, awaiting its key',
      15_000,
    );

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, system.server.url, 'admin');
    await page.getByTestId('nav-readers').click();
    await page.getByTestId('page-readers').waitFor();
    const row = page.locator(`[data-testid="readers-row"][data-id="${READER}"]`);
    await row.locator('[data-testid="reader-secure-channel"][data-state="awaiting_key"]').waitFor();
    assert.match(await row.getByTestId('reader-identity').innerText(), /4097/, 'the OSDP serial number is shown');
    assert.match(await row.getByTestId('reader-capabilities').innerText(), /AES/);
    assert.equal(await page.locator('[data-testid="readers-row"]').count(), 4, 'three RDM6300 readers and the OSDP one');

    await row.getByTestId('open-window').click();
    await page.getByTestId('window-minutes').fill('5');
    await page.getByTestId('confirm-open-window').click();
    await row.locator('[data-testid="reader-secure-channel"][data-state="install_mode"]').waitFor({ timeout: 10_000 });

    await row.getByTestId('install-key').click();
    await page.getByTestId('confirm-install-key').click();
    await row.locator('[data-testid="reader-secure-channel"][data-state="secure"]').waitFor({ timeout: 15_000 });
    await row.getByTestId('reader-key-age').waitFor({ timeout: 10_000 });
    await row.locator('[data-testid="reader-last-operation"][data-status="done"]').waitFor({ timeout: 10_000 });
    // Both languages (the demo admin's account starts in either).
    for (let i = 0; i < 2; i++) {
      const lang = await page.getAttribute('html', 'lang');
      assert.match(await row.getByTestId('reader-secure-channel').innerText(), lang === 'en' ? /Encrypted/ : /已加密/);
      await page.screenshot({ path: join(screenshots, `readers-${lang}.png`), fullPage: true });
      await page.getByTestId('lang-switch').click();
      await page.locator(`html:not([lang=${JSON.stringify(lang)}])`).waitFor({ state: 'attached' });
    }

    // A card over the freshly keyed secure channel reaches the agent's decision.
    const decided: string[] = [];
    system.agent.decisions.on('decision', (d) => {
      if (d.readerId === 'office-gate-out') decided.push(`${d.event.credential} ${d.decision.reason}`);
    });
    await system.sim.present('office-gate', '123:4567', 'out');
    await waitFor(() => decided.length === 1, 'the decision at the OSDP reader', 5000);
    assert.equal(decided[0], 'h10301:123:4567 unknown_card');

    const operations = await system.api<Array<{ kind: string; status: string }>>(
      await system.token('auditor'),
      'GET',
      `/api/readers/${READER}/operations`,
    );
    assert.deepEqual(
      operations.body.map((o) => [o.kind, o.status]),
      [
        ['key_install', 'done'],
        ['provisioning_window', 'done'],
      ],
    );
  });

  test('a guard sees the readers but not the admin actions', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, system.server.url, 'guard');
    await page.getByTestId('nav-readers').click();
    await page.locator(`[data-testid="readers-row"][data-id="${READER}"]`).waitFor();
    assert.equal(await page.getByTestId('install-key').count(), 0);
    assert.equal(await page.getByTestId('open-window').count(), 0);
  });
});
