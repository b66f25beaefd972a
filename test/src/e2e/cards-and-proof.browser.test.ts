import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { PersonView } from '@acs/shared/api/people';
import type { SiteView } from '@acs/shared/api/site';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot, startSystem, waitFor, type TestSystem } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');
const PERSON = '周杰 Zhou Jie';
const TAG = 4_242_424;
const CREDENTIAL = `em4100:${TAG}`;

describeUnless(chromiumSkipReason())('admin pages in Chromium: a card through its lifecycle, a grant, and the proof at the door', () => {
  let system: TestSystem;
  let browser: Browser;
  let adminContext: BrowserContext;
  let approverContext: BrowserContext;
  let admin: Page;
  let approver: Page;
  const decided: Array<{ granted: boolean; reason: string }> = [];

  async function signIn(context: BrowserContext, username: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(system.server.url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(`${username}-demo`);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('page-live').waitFor();
    return page;
  }

  /** Picks an option of an antd Select by typing part of its label. */
  async function choose(page: Page, select: Locator, text: string): Promise<void> {
    await select.click();
    await page.keyboard.type(text);
    await page.locator('.ant-select-item-option-active').filter({ hasText: text }).waitFor();
    await page.keyboard.press('Enter');
  }

  const cardRow = (page: Page) => page.locator(`[data-testid="cards-row"][data-credential="${CREDENTIAL}"]`);

  async function step(page: Page, action: string, expected: string, note?: string): Promise<void> {
    await cardRow(page).getByTestId(`card-action-${action}`).click();
    if (note) await page.getByTestId('transition-note').fill(note);
    await page.getByTestId('transition-confirm').click();
    await page
      .locator(`[data-testid="cards-row"][data-credential="${CREDENTIAL}"][data-status="${expected}"]`)
      .waitFor()
      .catch(async (err: unknown) => {
        await page.screenshot({ path: join(screenshots, `step-${action}-failed.png`) });
        throw err;
      });
  }

  async function agentHoldsCurrentVersion(): Promise<void> {
    const token = await system.token('admin');
    const site = await system.api<SiteView>(token, 'GET', '/api/site');
    await waitFor(
      () => (system.agent.permissionVersion ?? 0) >= site.body.permissionVersion,
      'the agent to apply the current version',
      10_000,
    );
  }

  let lastBadgeAt = 0;
  async function badge(): Promise<{ granted: boolean; reason: string }> {
    // The reader ignores the same tag presented again within its debounce window (1 s).
    const wait = lastBadgeAt + 1100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastBadgeAt = Date.now();
    const count = decided.length;
    await system.sim.badge('lab', TAG);
    return waitFor(() => decided[count], 'the door decision');
  }

  beforeAll(async () => {
    system = await startSystem({ dashboard: true });
    system.agent.decisions.on('decision', (d) => decided.push({ granted: d.decision.granted, reason: d.decision.reason }));
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
    // Two administrators in two sessions: separation of duties needs both.
    adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    approverContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    admin = await signIn(adminContext, 'admin');
    approver = await signIn(approverContext, 'approver');
  });
  afterAll(async () => {
    await adminContext?.close();
    await approverContext?.close();
    await browser?.close();
    await system?.close();
  });

  test('an admin requests a card, another approves it, the first issues and activates it and grants a zone: the badge opens the door', async () => {
    // A new employee.
    await admin.getByTestId('nav-people').click();
    await admin.getByTestId('person-create').click();
    await admin.getByTestId('person-name').fill(PERSON);
    await admin.getByTestId('person-save').click();
    await admin.locator('[data-testid="people-row"]', { hasText: PERSON }).waitFor();

    // Request the card with the number printed on it.
    await admin.getByTestId('nav-cards').click();
    await admin.getByTestId('card-request').click();
    await choose(admin, admin.getByTestId('card-holder'), 'Zhou Jie');
    await admin.getByTestId('card-number').fill('0004242424');
    await admin.getByTestId('card-request-submit').click();
    await admin.locator(`[data-testid="cards-row"][data-credential="${CREDENTIAL}"][data-status="requested"]`).waitFor();
    assert.match(await cardRow(admin).innerText(), /0004242424/);

    // The requester cannot approve: the button is disabled and says why.
    assert.equal(await cardRow(admin).getByTestId('card-action-approved').isDisabled(), true);
    await cardRow(admin).getByTestId('card-blocked-approved').hover();
    await admin.getByText('You requested this card; another administrator must approve it').waitFor();
    assert.match(await admin.getByTestId('sod-rule').innerText(), /Separation of duties/);

    // Another administrator approves; they may not issue what they approved.
    await approver.getByTestId('nav-cards').click();
    await step(approver, 'approved', 'approved');
    assert.equal(await cardRow(approver).getByTestId('card-action-issued').isDisabled(), true);

    // The requester issues and activates it.
    await admin.reload();
    await step(admin, 'issued', 'issued');
    await step(admin, 'active', 'active', 'handed over at reception');
    assert.match(await cardRow(admin).innerText(), /Admin 管理员[\s\S]*Approver 审批管理员[\s\S]*Admin 管理员/);

    // Grant the lab, at any time.
    await admin.getByTestId('nav-permissions').click();
    await admin.getByTestId('grant-create').click();
    await choose(admin, admin.getByTestId('grant-person'), 'Zhou Jie');
    await choose(admin, admin.getByTestId('grant-zone'), 'Lab');
    await admin.getByTestId('grant-save').click();
    const token = await system.token('admin');
    const person = (await system.api<PersonView[]>(token, 'GET', '/api/people')).body.find((p) => p.name === PERSON)!;
    await admin.locator(`[data-testid="grants-row"][data-person-id="${person.id}"][data-zone-id="lab"]`).waitFor();
    await admin.screenshot({ path: join(screenshots, 'permissions-en.png') });

    await agentHoldsCurrentVersion();
    const decision = await badge();
    assert.deepEqual(decision, { granted: true, reason: 'granted' });
  });

  test('an admin revokes the card and watches the agent confirm in the UI; the door then denies it', async () => {
    await admin.getByTestId('nav-cards').click();
    await step(admin, 'revoked', 'revoked', 'left the project');
    const proof = admin.getByTestId('delivery-proof');
    await proof.waitFor();
    await proof.locator('[data-testid="proof-agent"][data-agent-id="agent-1"][data-confirmed="true"]').waitFor({ timeout: 10_000 });
    await admin.locator('[data-testid="delivery-proof"][data-complete="true"]').waitFor();
    assert.match(await admin.getByTestId('proof-summary').innerText(), /All 1 agent\(s\) confirmed after \d+\.\d s/);
    assert.match(await proof.innerText(), /Confirmed v\d+ after/);
    await admin.screenshot({ path: join(screenshots, 'revocation-proof-en.png') });

    const decision = await badge();
    assert.deepEqual(decision, { granted: false, reason: 'card_revoked' });

    // The proof page lists the revocation as confirmed by every agent.
    const version = Number(await proof.getAttribute('data-version'));
    await admin.getByTestId('nav-proof').click();
    await admin.locator(`[data-testid="revocation-row"][data-version="${version}"][data-complete="true"]`).waitFor();
    await admin.locator('[data-testid="lag-row"][data-agent-id="agent-1"][data-behind="false"]').waitFor();
  });
});
