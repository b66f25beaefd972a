import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { IncidentDetailView } from '@acs/shared/api/incidents';
import type { VisitView } from '@acs/shared/api/reception';
import type { PersonView } from '@acs/shared/api/people';
import { startTestServer, waitFor, type TestServer } from '@acs/server/testing/server-harness';
import { pdfFile } from '@acs/server/testing/sample-files';
import { type CspViolation, chromiumSkipReason, launchChromium, watchCspViolations } from '../support/chromium.js';
import { repoRoot } from '../support/system.js';

const screenshots = join(repoRoot, 'test-results');
const MB = 1024 * 1024;

describeUnless(chromiumSkipReason())('uploads from the dashboard in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let guard: string;

  async function signIn(username: string): Promise<{ page: Page; violations: CspViolation[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const violations = await watchCspViolations(page);
    await page.goto(t.url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(`${username}-demo`);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('page-live').waitFor();
    return { page, violations };
  }

  beforeAll(async () => {
    t = await startTestServer({ dashboardDir: join(repoRoot, 'dashboard', 'dist') });
    browser = await launchChromium();
    guard = await t.token('guard');
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a guard attaches a real 1.5 MB PDF to an incident; it is stored whole and comes back as a PDF', async () => {
    const incident = (
      await t.request<IncidentDetailView>('POST', '/api/incidents', {
        token: guard,
        body: { title: '机房封条断开', description: '22:00 巡查发现', level: 2 },
      })
    ).body;
    const { page, violations } = await signIn('guard');
    await page.goto(`${t.url}/incidents?incident=${incident.id}`);
    const drawer = page.getByTestId('incident-drawer');
    await drawer.waitFor();

    // Over the limit: the dashboard says so in the user's language before sending anything.
    await drawer
      .locator('input[type=file]')
      .setInputFiles({ name: 'cctv-export.pdf', mimeType: 'application/pdf', buffer: pdfFile(2.5 * MB) });
    await page.locator('.action-error', { hasText: '附件不能超过 2 MB' }).waitFor();

    const pdf = pdfFile(1.5 * MB, 'Guard statement, 22:00 round');
    await page.getByTestId('incident-note').fill('值班保安的书面陈述（扫描件）');
    await drawer.locator('input[type=file]').setInputFiles({ name: '值班陈述.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByTestId('incident-note-submit').click();
    const entry = drawer.locator('[data-testid="incident-entry"][data-kind="attachment"]');
    await entry.waitFor({ timeout: 10_000 });
    assert.match(await entry.innerText(), /值班陈述\.pdf \(1536 KiB\)/);
    assert.equal(await page.getByTestId('incident-note').inputValue(), '', 'the note is cleared once stored');
    await drawer.locator('.ant-upload-list-item').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(screenshots, 'incident-attachment-zh-CN.png') });

    const stored = (await t.request<IncidentDetailView>('GET', `/api/incidents/${incident.id}`, { token: guard })).body.entries.find(
      (e) => e.kind === 'attachment',
    )!;
    assert.deepEqual(stored.attachment, { name: '值班陈述.pdf', type: 'application/pdf', size: pdf.length });
    const download = await fetch(`${t.url}/api/incidents/${incident.id}/attachments/${stored.id}`, {
      headers: { authorization: `Bearer ${guard}` },
    });
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(pdf), 'the same bytes come back');
    assert.deepEqual(violations, []);
    await page.close();
  });

  test('a phone-sized photo (4000×3000, several MB) is shrunk in the browser and kept at check-in with consent', async () => {
    const admin = await t.token('admin');
    const host = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body.find((p) => p.name.includes('Zhang Wei'))!;
    const visit = (
      await t.request<VisitView>('POST', '/api/visits/walk-in', {
        token: guard,
        body: {
          visitorName: '周婷 Zhou Ting',
          hostPersonId: host.id,
          purpose: '面试',
          zoneIds: ['office'],
          windowEnd: Date.now() + 3_600_000,
        },
      })
    ).body;
    assert.equal(
      (
        await t.request('POST', `/api/visits/${visit.id}/host-decision`, {
          token: await t.token('zhangwei'),
          body: { decision: 'approved' },
        })
      ).status,
      200,
    );

    const { page, violations } = await signIn('guard');
    // A camera's JPEG: made by this browser's own encoder, with enough detail to weigh what a phone photo weighs.
    const phoneJpeg = Buffer.from(
      await page.evaluate<string>(`(async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 4000;
        canvas.height = 3000;
        const ctx = canvas.getContext('2d');
        const gradient = ctx.createLinearGradient(0, 0, 4000, 3000);
        gradient.addColorStop(0, '#3a6ea5');
        gradient.addColorStop(1, '#f4d35e');
        ctx.fillStyle = gradient;
        ctx.fillRect(0, 0, 4000, 3000);
        const noise = ctx.getImageData(0, 0, 4000, 3000);
        for (let i = 0; i < noise.data.length; i += 4) {
          const n = (Math.random() - 0.5) * 60;
          noise.data[i] += n;
          noise.data[i + 1] += n;
          noise.data[i + 2] += n;
        }
        ctx.putImageData(noise, 0, 0);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      })()`),
      'base64',
    );
    assert.ok(phoneJpeg.length > 2 * MB, `a photo of several MB (${(phoneJpeg.length / MB).toFixed(1)} MB)`);

    await page.getByTestId('nav-reception').click();
    await page.getByTestId('page-reception').waitFor();
    const card = page.locator('[data-testid="visit-card"][data-visit-name="周婷 Zhou Ting"]');
    await card.getByTestId('checkin-open').click();
    await page.getByTestId('checkin-card').fill('0005550101');
    await page.getByTestId('checkin-idnumber').fill('110101199003071234');
    assert.equal(await page.getByTestId('checkin-photo-input').count(), 0, 'no photo without consent');
    await page.getByTestId('checkin-photo-consent').click();
    await page
      .getByTestId('checkin-photo-input')
      .setInputFiles({ name: 'IMG_20250301_091500.jpg', mimeType: 'image/jpeg', buffer: phoneJpeg });
    const shrunk = page.getByTestId('checkin-photo-size');
    await shrunk.waitFor({ timeout: 10_000 });
    assert.match(await shrunk.innerText(), /800×600/);
    await page.screenshot({ path: join(screenshots, 'reception-photo-zh-CN.png') });
    await page.getByTestId('checkin-submit').click();
    await waitFor(async () => (await card.getAttribute('data-visit-status')) === 'on_site', 'the visit on site', 10_000);
    const kept = await waitFor(
      async () => (await t.request<{ photo: string | null }>('GET', `/api/visits/${visit.id}/photo`, { token: guard })).body.photo,
      'the photo stored',
      10_000,
    );
    assert.match(kept, /^data:image\/jpeg;base64,\/9j\//);
    const bytes = Buffer.from(kept.split(',')[1]!, 'base64');
    assert.ok(bytes.length < 400 * 1024, `shrunk to ${Math.round(bytes.length / 1024)} KB`);
    const size = await page.evaluate<string>(`(async () => {
      const img = new Image();
      img.src = ${JSON.stringify(kept)};
      await img.decode();
      return img.naturalWidth + '×' + img.naturalHeight;
    })()`);
    assert.equal(size, '800×600');
    assert.deepEqual(violations, []);
    await page.close();
  });
});
