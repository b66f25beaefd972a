import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { GatePassView } from '@acs/shared/api/equipment';
import type { SiteView } from '@acs/shared/api/site';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, waitFor, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');

describeUnless(chromiumSkipReason())('reception and the checkpoint in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  let admin: string;
  const decisions: Array<{ door: string; granted: boolean; reason: string }> = [];
  const ZHANG = 3887558;
  const POOL_CARD = 5550101;

  async function signIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(system.server.url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(`${username}-demo`);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="socket-status"][data-state="connected"]').waitFor();
    return page;
  }
  async function badge(door: string, tag: number): Promise<{ granted: boolean; reason: string }> {
    const count = decisions.length;
    await system.sim.badge(door, tag);
    const d = await waitFor(() => decisions[count], `the decision at ${door}`);
    return { granted: d.granted, reason: d.reason };
  }
  async function agentCaughtUp(): Promise<void> {
    const version = (await system.api<SiteView>(admin, 'GET', '/api/site')).body.permissionVersion;
    await waitFor(() => (system.agent.permissionVersion ?? 0) >= version, `the agent to apply version ${version}`, 10_000);
  }
  const pause = (ms = 1100) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    system = await startSystem({ dashboard: true });
    browser = await launchChromium();
    admin = await system.token('admin');
    system.agent.decisions.on('decision', (d) =>
      decisions.push({ door: d.doorId, granted: d.decision.granted, reason: d.decision.reason }),
    );
    await waitFor(() => system.agent.permissionVersion !== null, 'the first permission set');
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  test('walk-in registered with the keyboard, approved live by the host, card issued, badges at an allowed and a forbidden door, signed out', async () => {
    const guard = await signIn('guard');
    const host = await signIn('zhangwei');
    await host.getByTestId('nav-visits').click();
    await host.getByTestId('page-visits').waitFor();

    await guard.getByTestId('nav-reception').click();
    await guard.getByTestId('page-reception').waitFor();
    // Keyboard only: the name field has the focus; Tab between fields; Enter sends.
    // The host and zone choices are loaded before anyone can pick from them.
    await guard.locator('[data-testid="walkin-form"][data-ready="yes"]').waitFor();
    await guard.keyboard.type('陈杰 Chen Jie');
    await guard.keyboard.press('Tab');
    await guard.keyboard.type('Acme 供应商');
    await guard.keyboard.press('Tab');
    await guard.keyboard.type('13800000000');
    await guard.keyboard.press('Tab');
    await guard.keyboard.type('Zhang Wei');
    // Wait for the filtered option to be the active one before Enter picks it (still keyboard only).
    await guard.locator('.ant-select-item-option-active', { hasText: 'Zhang Wei' }).waitFor();
    await guard.keyboard.press('Enter');
    // A person at a counter does not type within the dropdown's closing animation.
    await guard.locator('.ant-select-dropdown').first().waitFor({ state: 'hidden' });
    await guard.keyboard.press('Tab');
    await guard.keyboard.type('供应商会议');
    assert.equal(await guard.getByTestId('walkin-purpose').inputValue(), '供应商会议');
    await guard.keyboard.press('Tab');
    await guard.keyboard.type('Office');
    await guard
      .locator('.ant-select-item-option', { hasText: 'Office' })
      .waitFor({ timeout: 5000 })
      .catch(async (err: unknown) => {
        await guard.screenshot({ path: join(screenshots, 'reception-walkin-failed.png') });
        throw err;
      });
    await guard.keyboard.press('Enter');
    await guard.getByTestId('walkin-zones').locator('.ant-select-selection-item', { hasText: 'Office' }).waitFor();
    await guard.keyboard.press('Escape');
    await guard
      .locator('.ant-select-dropdown:visible')
      .waitFor({ state: 'detached', timeout: 2000 })
      .catch(() => undefined);
    await guard.keyboard.press('Tab');
    assert.equal(
      await guard.getByTestId('walkin-hours').evaluate((el) => el.contains(el.ownerDocument.activeElement)),
      true,
      'focus on the hours field',
    );
    await guard.keyboard.press('Enter');
    const card = guard.locator('[data-testid="visit-card"][data-visit-name="陈杰 Chen Jie"]');
    await card.waitFor({ timeout: 5000 }).catch(async (err: unknown) => {
      await guard.screenshot({ path: join(screenshots, 'reception-walkin-failed.png') });
      throw err;
    });
    assert.equal(await card.getAttribute('data-visit-status'), 'awaiting_host');
    assert.match(await card.innerText(), /等待被访人确认/);
    await guard.screenshot({ path: join(screenshots, 'reception-waiting-zh-CN.png') });

    // The host sees the request appear and approves it; the guard sees the approval appear.
    const row = host.locator('[data-testid="visit-row"][data-visit-name="陈杰 Chen Jie"]');
    await row.waitFor({ timeout: 5000 });
    await host.getByTestId('host-approve').first().click();
    await card.locator('.visit-state', { hasText: '已批准' }).waitFor({ timeout: 5000 });

    // Check-in: the terminal's reader types the pool card's number and Enter into the card field.
    await card.getByTestId('checkin-open').click();
    await guard.getByTestId('checkin-card').waitFor();
    await guard.keyboard.type(String(POOL_CARD).padStart(10, '0'));
    await guard.keyboard.press('Enter');
    await guard.keyboard.type('110101199003071234');
    await guard.getByTestId('checkin-items').fill('laptop ThinkPad X1 PF-12345');
    await guard.getByTestId('checkin-submit').click();
    await waitFor(async () => (await card.getAttribute('data-visit-status')) === 'on_site', 'the visit on site', 5000);
    assert.match(await card.innerText(), /\*{14}1234/);
    assert.doesNotMatch(await card.innerText(), /110101199003071234/);
    await guard.screenshot({ path: join(screenshots, 'reception-on-site-zh-CN.png') });

    // The card works at once: with an employee escort at the office gate; never at the lab.
    await agentCaughtUp();
    assert.deepEqual(await badge('office-gate', POOL_CARD), { granted: false, reason: 'escort_required' });
    await pause();
    await badge('office-gate', ZHANG);
    const withEscort = await badge('office-gate', POOL_CARD);
    assert.deepEqual(withEscort, { granted: true, reason: 'granted' });
    await pause();
    const lab = await badge('lab', POOL_CARD);
    assert.equal(lab.granted, false);

    // On the on-site list, in the office.
    await guard.getByTestId('nav-onSite').click();
    await guard.getByTestId('page-on-site').waitFor();
    await guard.locator('[data-testid="on-site-zone"]', { hasText: '陈杰 Chen Jie' }).waitFor();
    assert.match(await guard.locator('[data-testid="on-site-zone"]', { hasText: '陈杰 Chen Jie' }).innerText(), /办公区/);

    // Sign-out: the card goes back to the pool and stops working.
    await guard.getByTestId('nav-reception').click();
    await card.getByTestId('signout-open').click();
    await guard.getByTestId('signout-submit').click();
    await waitFor(async () => (await card.getAttribute('data-visit-status')) === 'signed_out', 'the visit signed out', 5000);
    await agentCaughtUp();
    await pause();
    assert.equal((await badge('office-gate', POOL_CARD)).granted, false);
    await guard.close();
    await host.close();
  });

  test('a gate pass from request to return: requested by an employee, approved by an admin, allowed out and back at the checkpoint', async () => {
    const employee = await signIn('zhangwei');
    await employee.getByTestId('nav-equipment').click();
    await employee.getByTestId('pass-tag').fill('LT-0001');
    await employee.getByTestId('pass-reason').fill('客户演示 Customer demo');
    await employee.getByTestId('pass-return').click();
    await employee.keyboard.type('2030-01-15 10:00');
    await employee.keyboard.press('Enter');
    await employee.getByTestId('pass-submit').click();
    const status = employee.getByTestId('pass-status').first();
    await status.filter({ hasText: '待审批' }).waitFor({ timeout: 5000 });
    const number = (await employee.getByTestId('pass-number').first().innerText()).trim();
    assert.match(number, /^GP-\d{6}$/);

    const approver = await signIn('admin');
    await approver.getByTestId('nav-equipment').click();
    await approver.getByTestId('pass-approve').first().click();
    await status.filter({ hasText: /已批准|Approved/ }).waitFor({ timeout: 5000 });

    const guard = await signIn('guard');
    await guard.getByTestId('nav-equipment').click();
    await guard.getByRole('tab', { name: '检查点' }).click();
    await guard.getByTestId('checkpoint-tag').fill('lt-0001');
    await guard.getByTestId('checkpoint-submit').click();
    const result = guard.getByTestId('checkpoint-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-decision'), 'stop');
    assert.match(await result.innerText(), /未出示门条/);
    await guard.getByTestId('checkpoint-tag').fill('LT-0001');
    await guard.getByTestId('checkpoint-pass').fill(number);
    await guard.getByTestId('checkpoint-submit').click();
    await guard.locator('[data-testid="checkpoint-result"][data-decision="allow"]').waitFor();
    await guard.screenshot({ path: join(screenshots, 'checkpoint-allow-zh-CN.png') });
    await guard.getByTestId('checkpoint-direction').getByText('入').click();
    await guard.getByTestId('checkpoint-tag').fill('LT-0001');
    await guard.getByTestId('checkpoint-submit').click();
    await guard.locator('[data-testid="checkpoint-result"][data-decision="allow"]', { hasText: '已按门条登记返回' }).waitFor();
    const passes = (await system.api<GatePassView[]>(admin, 'GET', '/api/gate-passes')).body;
    const pass = passes.find((p) => p.number === number)!;
    assert.equal(pass.status, 'returned');
    assert.equal(pass.requestedBy, '张伟 Zhang Wei');
    assert.equal(pass.approvedBy, 'Admin 管理员');
    assert.equal(pass.outBy, 'Guard 保安');
    await status.filter({ hasText: '已返回' }).waitFor({ timeout: 5000 });
  });
});
