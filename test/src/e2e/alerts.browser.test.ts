import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');

describeUnless(chromiumSkipReason())('alerts on the guard dashboard in Chromium', () => {
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

  test('a forced door in the simulator raises a red banner at once; the guard acknowledges it with a note', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(system.server.url);
    await page.getByTestId('login-username').fill('guard');
    await page.getByTestId('login-password').fill('guard-demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="socket-status"][data-state="connected"]').waitFor();

    system.sim.door('machine-room').force();
    const banner = page.locator('[data-testid="alert-banner"][data-alert-type="door_forced"]');
    await banner.waitFor({ timeout: 5000 });
    assert.match(await banner.innerText(), /强行开门/);
    await page.screenshot({ path: join(screenshots, 'alert-banner-zh-CN.png') });

    await page.getByTestId('alert-banner-ack').click();
    await page.getByTestId('alert-ack-note').fill('已通过监控核实，门已关闭');
    await page.getByTestId('alert-ack-confirm').click();
    await banner.waitFor({ state: 'detached', timeout: 5000 });

    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('page-alerts').waitFor();
    await page.locator('[data-testid="alert-row"][data-alert-type="door_forced"]').waitFor();
  });
});
