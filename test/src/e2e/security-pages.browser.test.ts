import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, waitFor, type TestServer } from '@acs/server/testing/server-harness';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');

async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('page-live').waitFor();
}

/** Demo accounts keep their own language; switch to the one a step wants. */
async function useLanguage(page: Page, lang: 'zh-CN' | 'en'): Promise<void> {
  if ((await page.getAttribute('html', 'lang')) === lang) return;
  await page.getByTestId('lang-switch').click();
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
}

describeUnless(chromiumSkipReason())('the audit log and user accounts pages in Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer({ dashboardDir: join(repoRoot, 'dashboard', 'dist') });
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('an admin creates an account (the password policy speaks first), changes its role and disables it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, t.url, 'admin', 'admin-demo');
    await useLanguage(page, 'zh-CN');
    await page.getByTestId('nav-users').click();
    await page.getByTestId('page-users').waitFor();
    await page.getByTestId('users-create').click();
    await page.getByTestId('user-form-username').fill('meilin');
    await page.getByTestId('user-form-password').fill('password1');
    await page.getByTestId('user-form-submit').click();
    const problem = page.getByTestId('user-form-error');
    await problem.waitFor();
    assert.match(await problem.innerText(), /at least 10 characters/);
    await page.getByTestId('user-form-password').fill('lantern harbour 42');
    await page.getByTestId('user-form-submit').click();
    const row = page.locator('[data-testid="users-row"]', { hasText: 'meilin' });
    await row.waitFor();
    assert.match(await row.innerText(), /员工/, 'created as an employee, shown in Chinese');

    await row.locator('.ant-select').click();
    await page.locator('.ant-select-item-option', { hasText: '保安' }).click();
    const admin = await t.token('admin');
    await waitFor(async () => {
      const users = (await t.request<Array<{ username: string; role: string }>>('GET', '/api/users', { token: admin })).body;
      return users.find((u) => u.username === 'meilin')?.role === 'guard';
    }, 'the role change');
    await row.getByTestId('user-enabled-switch').click();
    await row.locator('.ant-tag', { hasText: '已停用' }).waitFor();
    assert.equal(
      (await t.request('POST', '/api/auth/login', { body: { username: 'meilin', password: 'lantern harbour 42' } })).status,
      401,
    );
    await page.screenshot({ path: join(screenshots, 'users-zh-CN.png') });
    await page.close();
  });

  test('an auditor reads the log with before and after, filters it, and verifies the chain; a tampered entry shows', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, t.url, 'auditor', 'auditor-demo');
    assert.equal(await page.getByTestId('nav-users').count(), 0, 'no account administration for auditors');
    await useLanguage(page, 'en');
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('page-audit').waitFor();

    await page.getByTestId('audit-filter-entity-type').fill('users');
    await page.getByTestId('audit-filter-action').fill('update');
    await page.getByTestId('audit-filter-apply').click();
    const update = page.locator('[data-testid="audit-row"][data-action="update"][data-entity-type="users"]').first();
    await update.waitFor();
    await waitFor(
      async () =>
        await page
          .locator('[data-testid="audit-row"]')
          .evaluateAll((rows) => rows.every((r) => r.getAttribute('data-entity-type') === 'users')),
      'filtered rows',
    );
    await update.locator('.ant-table-row-expand-icon').click();
    const changed = page.locator('[data-testid="audit-diff-row"][data-changed="true"]').first();
    await changed.waitFor();
    assert.match(await page.getByTestId('audit-diff').first().innerText(), /Before[\s\S]*After/);

    await page.getByTestId('audit-verify').click();
    const result = page.locator('[data-testid="audit-verify-result"]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true');
    assert.match(await result.innerText(), /Chain intact/);
    await page.screenshot({ path: join(screenshots, 'audit-en.png') });

    const ds = t.dataSource();
    const [{ sql }] = await ds.query<[{ sql: string }]>(`SELECT sql FROM sqlite_master WHERE name = 'audit_log_refuse_update'`);
    await ds.query('DROP TRIGGER audit_log_refuse_update');
    await ds.query(`UPDATE audit_log SET detail = 'edited' WHERE seq = 2`);
    await ds.query(sql);
    await page.getByTestId('audit-verify').click();
    await page.locator('[data-testid="audit-verify-result"][data-ok="false"]').waitFor();
    assert.equal(await page.getByTestId('audit-verify-result').getAttribute('data-first-bad-seq'), '2');
    assert.match(await page.getByTestId('audit-verify-result').innerText(), /broken at entry 2/);
    await page.screenshot({ path: join(screenshots, 'audit-broken-en.png') });
    await page.close();
  });
});
