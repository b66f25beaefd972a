import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import type { IncidentView } from '@acs/shared/api/incidents';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, waitFor, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');

describeUnless(chromiumSkipReason())('incidents in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;

  async function signIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await page.goto(system.server.url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(`${username}-demo`);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="socket-status"][data-state="connected"]').waitFor();
    return page;
  }

  beforeAll(async () => {
    system = await startSystem({ dashboard: true });
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  test('a forced door: banner, the guard acknowledges, makes an incident of it, investigates and closes it', async () => {
    const guard = await signIn('guard');
    system.sim.door('lab').force();
    const banner = guard.locator('[data-testid="alert-banner"][data-alert-type="door_forced"]');
    await banner.waitFor({ timeout: 5000 });
    await guard.getByTestId('alert-banner-ack').click();
    await guard.getByTestId('alert-ack-note').fill('监控显示门被撬开，已派人到场');
    await guard.getByTestId('alert-ack-confirm').click();
    await banner.waitFor({ state: 'detached', timeout: 5000 });

    await guard.getByTestId('nav-alerts').click();
    await guard.getByTestId('page-alerts').waitFor();
    await guard
      .getByRole('radio', { name: '最近' })
      .click()
      .catch(() => undefined);
    const row = guard.locator('[data-testid="alert-row"][data-alert-type="door_forced"]').first();
    await row.waitFor();
    await row.getByTestId('alert-to-incident').click();
    await guard.getByTestId('to-incident-note').fill('锁扣损坏，门无法锁闭');
    await guard.getByTestId('to-incident-confirm').click();

    const drawer = guard.getByTestId('incident-drawer');
    await drawer.waitFor({ timeout: 5000 });
    assert.match(await drawer.innerText(), /强行开门|door_forced/);
    await drawer.locator('[data-testid="incident-entry"][data-kind="alert"]').waitFor();
    await guard.getByTestId('incident-investigate').click();
    await drawer.locator('[data-testid="incident-entry"][data-kind="status"]').waitFor();
    await guard.getByTestId('incident-note').fill('已更换锁扣');
    await guard.getByTestId('incident-note-submit').click();
    await drawer.locator('[data-testid="incident-entry"][data-kind="note"]').waitFor();
    await guard.getByTestId('incident-close').click();
    await guard.getByTestId('close-outcome').fill('锁扣老化导致门未锁闭，被外力推开');
    await guard.getByTestId('close-actions').fill('更换锁扣；每周检查门锁');
    await guard.getByTestId('close-feedback').fill('已处理，感谢报告');
    await guard.getByTestId('close-submit').click();
    await drawer.locator('[data-testid="incident-entry"][data-kind="closed"]').waitFor({ timeout: 5000 });
    assert.match(await guard.getByTestId('incident-status').innerText(), /已关闭/);
    await guard.screenshot({ path: join(screenshots, 'incident-closed-zh-CN.png') });

    const admin = await system.token('admin');
    const incidents = (await system.api<IncidentView[]>(admin, 'GET', '/api/incidents')).body;
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]!.status, 'closed');
    assert.equal(incidents[0]!.cause, 'forced_entry');
    assert.equal(incidents[0]!.closedBy, 'Guard 保安');
  });

  test('an auditor downloads the ISO 27001 evidence pack: one file per control in both languages, hashes that match', async () => {
    const auditor = await signIn('auditor');
    await auditor.getByTestId('nav-audit').click();
    await auditor.getByTestId('page-audit').waitFor();
    const [download] = await Promise.all([auditor.waitForEvent('download'), auditor.getByTestId('evidence-pack').click()]);
    const path = await download.path();
    const entries = unzipSync(new Uint8Array(await readFile(path)));
    const files = Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, strFromU8(data)]));
    const manifest = JSON.parse(files['manifest.json']!) as { auditChain: { ok: boolean }; files: Record<string, string> };
    assert.equal(Object.keys(manifest.files).length, 28);
    for (const [name, hash] of Object.entries(manifest.files))
      assert.equal(createHash('sha256').update(files[name]!, 'utf8').digest('hex'), hash, name);
    assert.equal(manifest.auditChain.ok, true);
    // The closed incident of the first test is in the monitoring control's figures.
    assert.match(files['en/A.7.4.md']!, /\| Incidents opened \/ closed \| 1 \/ 1 \|/);
    assert.match(files['zh-CN/A.7.4.md']!, /物理安全监视/);
  });

  test("a guard reads one person's access history on the reports page and downloads it as CSV", async () => {
    await system.sim.badge('office-gate', 3887558);
    const admin = await system.token('admin');
    await waitFor(
      async () => (await system.events(admin)).some((e) => e.kind === 'access' && e.credential === 'em4100:3887558'),
      'the badge stored',
    );
    const guard = await signIn('guard');
    await guard.getByTestId('nav-reports').click();
    await guard.getByTestId('page-reports').waitFor();
    await guard.getByTestId('report-person').click();
    await guard.keyboard.type('Zhang Wei');
    await guard.locator('.ant-select-item-option-active', { hasText: 'Zhang Wei' }).waitFor();
    await guard.keyboard.press('Enter');
    await guard.getByTestId('report-search').click();
    await guard.getByTestId('report-history').locator('tbody tr', { hasText: '办公区门' }).first().waitFor();
    const [download] = await Promise.all([guard.waitForEvent('download'), guard.getByTestId('report-csv').click()]);
    const csv = (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0]!, /^时间 \(Asia\/Shanghai\),门,方向,区域,人员/);
    assert.ok(lines.length >= 2);
    assert.ok(lines.slice(1).every((l) => l.includes('Zhang Wei')));
  });
  test('an auditor reads the visitor log on the reports page, with how each visitor was signed out, and exports it', async () => {
    const admin = await system.token('admin');
    const guard = await system.token('guard');
    const host = await system.token('zhangwei');
    const people = (await system.api<Array<{ id: string; name: string }>>(admin, 'GET', '/api/people')).body;
    const hostPersonId = people.find((p) => p.name.includes('Zhang Wei'))!.id;
    const walkIn = await system.api<{ id: string }>(guard, 'POST', '/api/visits/walk-in', {
      visitorName: 'Log Visitor 记录访客',
      visitorCompany: 'Audit Co',
      hostPersonId,
      purpose: 'Quarterly audit',
      zoneIds: ['office'],
      windowEnd: Date.now() + 3_600_000,
    });
    assert.equal(walkIn.status, 201, JSON.stringify(walkIn.body));
    const visit = walkIn.body.id;
    assert.equal((await system.api(host, 'POST', `/api/visits/${visit}/host-decision`, { decision: 'approved' })).status, 200);
    const checkIn = await system.api(guard, 'POST', `/api/visits/${visit}/check-in`, {
      cardNumber: '0005550105',
      identity: { idDocumentType: 'passport', idNumber: 'E12345678' },
    });
    assert.equal(checkIn.status, 200, JSON.stringify(checkIn.body));
    assert.equal((await system.api(guard, 'POST', `/api/visits/${visit}/sign-out`, {})).status, 200);

    const auditor = await signIn('auditor');
    await auditor.getByTestId('nav-reports').click();
    await auditor.getByTestId('page-reports').waitFor();
    // The demo auditor reads English (their own language setting).
    await auditor.getByRole('tab', { name: 'Visitor log' }).click();
    const row = auditor.getByTestId('report-visitors').locator('tbody tr', { hasText: 'Log Visitor 记录访客' });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[0], 'Log Visitor 记录访客 · Audit Co');
    assert.equal(cells[2], 'Quarterly audit');
    assert.match(cells[4]!, /\d{2}:\d{2}/, 'the time the visitor came in');
    assert.match(cells[5]!, /\d{2}:\d{2}/, 'the time the visitor left');
    assert.equal(cells[6], 'Guard');
    const [download] = await Promise.all([auditor.waitForEvent('download'), auditor.getByTestId('visitor-log-csv').click()]);
    const csv = (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, '');
    assert.ok(
      csv.split('\r\n').some((line) => line.includes('Log Visitor 记录访客') && line.includes('Quarterly audit')),
      csv.slice(0, 500),
    );
  });
});
