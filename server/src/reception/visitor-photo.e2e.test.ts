import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { VisitView } from '@acs/shared/api/reception';
import type { ApiError } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { jpegImage, pdfFile, pngImage } from '../testing/sample-files.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

const HOUR = 3_600_000;
const KB = 1024;

describe('a visitor photo is a multipart upload, kept only with consent and checked by size and content', () => {
  let t: TestServer;
  let api: ApiCaller;
  let guard: string;
  let withConsent: VisitView;
  let withoutConsent: VisitView;

  async function checkedIn(name: string, card: string, photoConsent: boolean): Promise<VisitView> {
    const admin = await t.token('admin');
    const host = (await api.ok<PersonView[]>('GET', '/api/people', admin)).find((p) => p.name.includes('Zhang Wei'))!;
    const visit = await api.ok<VisitView>('POST', '/api/visits/walk-in', guard, {
      visitorName: name,
      hostPersonId: host.id,
      purpose: 'Delivery',
      zoneIds: ['office'],
      windowEnd: Date.now() + 2 * HOUR,
    });
    await api.ok('POST', `/api/visits/${visit.id}/host-decision`, await t.token('zhangwei'), { decision: 'approved' }, 200);
    return api.ok<VisitView>(
      'POST',
      `/api/visits/${visit.id}/check-in`,
      guard,
      { cardNumber: card, identity: { idDocumentType: 'resident_id', idNumber: '110101199003071234' }, photoConsent },
      200,
    );
  }
  function photoForm(data: Buffer, name: string, type: string): FormData {
    const form = new FormData();
    form.set('photo', new Blob([new Uint8Array(data)], { type }), name);
    return form;
  }
  const upload = (visit: VisitView, form: FormData, token = guard) =>
    t.request<VisitView & ApiError>('PUT', `/api/visits/${visit.id}/photo`, { token, form });
  const storedPhoto = async (visit: VisitView) =>
    (await api.ok<{ photo: string | null }>('GET', `/api/visits/${visit.id}/photo`, guard)).photo;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    guard = await t.token('guard');
    withConsent = await checkedIn('Li Na 李娜', '0005550101', true);
    withoutConsent = await checkedIn('Wu Lei 吴磊', '0005550102', false);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a 220 KB JPEG with recorded consent is kept and read back as the same image', async () => {
    const jpeg = jpegImage(800, 600, 220 * KB);
    assert.ok(jpeg.length > 220 * KB);
    const res = await upload(withConsent, photoForm(jpeg, 'IMG_0042.JPG', 'image/jpeg'));
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    assert.equal(res.body.hasPhoto, true);
    assert.equal(await storedPhoto(withConsent), `data:image/jpeg;base64,${jpeg.toString('base64')}`);
  });

  test('a PNG is kept as a PNG even when the client calls it something else', async () => {
    const png = pngImage(400, 300);
    assert.equal((await upload(withConsent, photoForm(png, 'photo', 'application/octet-stream'))).status, 200);
    assert.match((await storedPhoto(withConsent))!, /^data:image\/png;base64,iVBORw0KGgo/);
  });

  test('without the consent recorded at check-in the photo is refused and nothing is kept', async () => {
    const res = await upload(withoutConsent, photoForm(jpegImage(64, 64), 'face.jpg', 'image/jpeg'));
    assert.equal(res.status, 400);
    assert.match(String(res.body.message), /recorded consent/);
    assert.equal(await storedPhoto(withoutConsent), null);
  });

  test('a PDF renamed to photo.jpg is refused with 415 by its content; the photo kept before stays', async () => {
    const before = await storedPhoto(withConsent);
    const res = await upload(withConsent, photoForm(pdfFile(30 * KB), 'photo.jpg', 'image/jpeg'));
    assert.equal(res.status, 415);
    assert.equal(res.body.error, 'unsupported_media_type');
    assert.match(String(res.body.message), /photo: accepted types are JPEG, PNG, WebP, judged by the content; it is PDF/);
    assert.equal(await storedPhoto(withConsent), before);
  });

  test('a photo over 1 MB is refused with 413 stating the limit; the visit stays on site with its card', async () => {
    const before = await storedPhoto(withConsent);
    const res = await upload(withConsent, photoForm(pngImage(640, 640, true), 'raw.png', 'image/png'));
    assert.equal(res.status, 413);
    assert.equal(res.body.error, 'payload_too_large');
    assert.match(String(res.body.message), /photo: the file is larger than the limit of 1 MB \(1048576 bytes\)/);
    const visit = await api.ok<VisitView>('GET', `/api/visits/${withConsent.id}`, guard);
    assert.equal(visit.status, 'on_site');
    assert.equal(visit.credentialDisplay, '0005550101');
    assert.equal(await storedPhoto(withConsent), before);
  });

  test('a request without the file is refused with the reason, and hosts may not upload a photo', async () => {
    const empty = await t.request<ApiError>('PUT', `/api/visits/${withConsent.id}/photo`, { token: guard, body: {} });
    assert.equal(empty.status, 400);
    assert.match(String(empty.body.message), /send the file as the multipart\/form-data field "photo"/);
    const employee = await t.token('zhangwei');
    assert.equal((await upload(withConsent, photoForm(jpegImage(8, 8), 'x.jpg', 'image/jpeg'), employee)).status, 403);
  });
});
