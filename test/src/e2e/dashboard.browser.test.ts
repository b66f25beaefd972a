import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, waitFor, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');

describeUnless(chromiumSkipReason())('the guard dashboard in Chromium', () => {
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

  test('a guard signs in and sees a badge appear live, in Chinese and in English', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(system.server.url);
    await page.getByTestId('login-username').fill('guard');
    await page.getByTestId('login-password').fill('guard-demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('page-live').waitFor();
    await page.locator('[data-testid="socket-status"][data-state="connected"]').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'Chinese is the default language');
    await page.locator('[data-testid="agent-row"][data-agent-id="agent-1"][data-online="true"]').waitFor();

    const decided: string[] = [];
    system.agent.decisions.on('decision', (d) => decided.push(d.event.eventId));
    await system.sim.badge('lab', 3887558);
    await waitFor(() => decided.length === 1, 'the decision');
    const row = page.locator(`[data-testid="event-row"][data-event-id="${decided[0]}"]`);
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute('data-granted'), 'true');
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /张伟/);
    await page.screenshot({ path: join(screenshots, 'live-zh-CN.png') });

    await page.getByTestId('lang-switch').click();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await system.sim.badge('machine-room', 7654321);
    await waitFor(() => decided.length === 2, 'the second decision');
    const denied = page.locator(`[data-testid="event-row"][data-event-id="${decided[1]}"]`);
    await denied.waitFor({ timeout: 5000 });
    assert.equal(await denied.getAttribute('data-granted'), 'false');
    assert.equal(await denied.getAttribute('data-reason'), 'level_ceiling');
    assert.match(await page.getByTestId('page-live').innerText(), /Denied|denied/);
    await page.screenshot({ path: join(screenshots, 'live-en.png') });
  });
});
