import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { IncidentDetailView } from '@acs/shared/api/incidents';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { ApiError, Page } from '@acs/shared/api/http';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { jpegImage, pdfFile, pngImage } from '../testing/sample-files.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

const MB = 1024 * 1024;

describe('incident attachments are multipart uploads checked by size and content', () => {
  let t: TestServer;
  let api: ApiCaller;
  let guard: string;
  let employee: string;
  let auditor: string;
  let incident: IncidentDetailView;

  function note(text: string, file?: { data: Buffer; name: string; type: string }): FormData {
    const form = new FormData();
    form.set('text', text);
    if (file) form.set('attachment', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    return form;
  }
  const post = (form: FormData, token = guard) =>
    t.request<IncidentDetailView & ApiError>('POST', `/api/incidents/${incident.id}/notes`, { token, form });
  const entries = async () => (await api.ok<IncidentDetailView>('GET', `/api/incidents/${incident.id}`, guard)).entries;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    guard = await t.token('guard');
    employee = await t.token('zhangwei');
    auditor = await t.token('auditor');
    incident = await api.ok<IncidentDetailView>('POST', '/api/incidents', guard, {
      title: 'Seal broken on the server rack',
      description: 'Found at the 22:00 round',
      level: 2,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a 1.5 MB PDF is stored whole and downloaded as a PDF, whatever type the client claimed', async () => {
    const pdf = pdfFile(1.5 * MB);
    const res = await post(note('扫描的值班记录', { data: pdf, name: '值班记录.pdf', type: 'application/octet-stream' }));
    assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 300));
    const entry = res.body.entries.find((e) => e.kind === 'attachment')!;
    assert.deepEqual(entry.attachment, { name: '值班记录.pdf', type: 'application/pdf', size: pdf.length });
    const download = await fetch(`${t.url}/api/incidents/${incident.id}/attachments/${entry.id}`, {
      headers: { authorization: `Bearer ${guard}` },
    });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(pdf), 'the same bytes come back');
  });

  test('PNG and JPEG photos and a plain-text statement are accepted; the reporter may attach too', async () => {
    const png = await post(note('strike plate', { data: pngImage(640, 480), name: 'strike.png', type: 'image/png' }));
    assert.equal(png.status, 201);
    const jpeg = await post(note('door frame', { data: jpegImage(64, 48), name: 'frame.jpg', type: 'image/jpeg' }));
    assert.equal(jpeg.status, 201);
    const text = await post(
      note('statement', {
        data: Buffer.from('值班保安陈述：22:00 巡查时发现封条断开。\n', 'utf8'),
        name: 'statement.txt',
        type: 'text/plain',
      }),
    );
    assert.equal(text.status, 201);
    const types = (await entries()).filter((e) => e.attachment).map((e) => e.attachment!.type);
    assert.deepEqual(types.slice(-3), ['image/png', 'image/jpeg', 'text/plain; charset=utf-8']);
    // The employee who reported nothing here cannot see the incident: the upload is refused before it is read.
    const other = await post(note('x', { data: pngImage(8, 8), name: 'x.png', type: 'image/png' }), employee);
    assert.equal(other.status, 404);
  });

  test('a renamed executable or archive is refused with 415 by its content, and nothing is stored', async () => {
    const before = (await entries()).length;
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000, 0)]);
    const refused = await post(note('scan', { data: exe, name: 'scan.pdf', type: 'application/pdf' }));
    assert.equal(refused.status, 415);
    assert.equal(refused.body.error, 'unsupported_media_type');
    assert.match(String(refused.body.message), /attachment: accepted types are PDF, PNG, JPEG, WebP, plain text .*judged by the content/);
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(500, 7)]);
    assert.equal((await post(note('photo', { data: zip, name: 'photo.jpg', type: 'image/jpeg' }))).status, 415);
    assert.equal((await entries()).length, before);
  });

  test('an attachment over 2 MB is refused with 413 stating the limit; the note can be sent again without it', async () => {
    const before = (await entries()).length;
    const refused = await post(note('the full CCTV export', { data: pdfFile(2 * MB + 1), name: 'cctv.pdf', type: 'application/pdf' }));
    assert.equal(refused.status, 413);
    assert.equal(refused.body.error, 'payload_too_large');
    assert.match(String(refused.body.message), /attachment: the file is larger than the limit of 2 MB \(2097152 bytes\)/);
    assert.equal((await entries()).length, before, 'neither the note nor the file is stored');
    const exactly = await post(note('the export, cut to 2 MB', { data: pdfFile(2 * MB), name: 'cctv.pdf', type: 'application/pdf' }));
    assert.equal(exactly.status, 201, 'exactly 2 MB is within the limit');
    assert.equal(exactly.body.entries.length, before + 1);
  });

  test('a note without a file is still plain JSON, and the old base64 attachment field is refused', async () => {
    await api.ok('POST', `/api/incidents/${incident.id}/notes`, guard, { text: 'called the facilities team' });
    await api.fails(
      'POST',
      `/api/incidents/${incident.id}/notes`,
      guard,
      { text: 'x', attachment: { name: 'a.png', type: 'image/png', dataBase64: 'iVBORw0KGgo=' } },
      400,
      [/attachment should not exist/],
    );
    const auditorForm = note('x', { data: pngImage(8, 8), name: 'x.png', type: 'image/png' });
    assert.equal((await post(auditorForm, auditor)).status, 403, 'auditors read only');
    const blank = await post(note('   ', { data: pngImage(8, 8), name: 'x.png', type: 'image/png' }));
    assert.equal(blank.status, 400);
  });

  test('an attachment is an audited change of the incident, by the person who uploaded it', async () => {
    const admin = await t.token('admin');
    const audit = await api.ok<Page<AuditEntryView>>('GET', '/api/audit?entityType=incident_entries&limit=100', admin);
    const attached = audit.items.filter((e) => e.action === 'create' && JSON.stringify(e.after ?? {}).includes('application/pdf'));
    assert.ok(attached.length >= 1, 'the upload has an audit entry');
    assert.ok(attached.every((e) => e.actorUsername === 'guard'));
  });

  test('a JSON body over 100 KB anywhere else is refused with 413 stating the JSON limit', async () => {
    const res = await t.request<ApiError>('POST', `/api/incidents/${incident.id}/notes`, {
      token: guard,
      body: { text: 'x'.repeat(150 * 1024) },
    });
    assert.equal(res.status, 413);
    assert.equal(res.body.error, 'payload_too_large');
    assert.match(String(res.body.message), /larger than the limit of 100 KB for JSON; files go as multipart\/form-data/);
  });
});
