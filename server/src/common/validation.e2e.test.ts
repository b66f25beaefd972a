import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { CardView } from '@acs/shared/api/cards';
import type { ApiError } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { ZoneView } from '@acs/shared/api/zones';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

describe('request validation', () => {
  let t: TestServer;
  let admin: string;
  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.token('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function rejects(method: string, path: string, body: unknown, expected: RegExp[]): Promise<ApiError> {
    const res = await t.request<ApiError>(method, path, { token: admin, body });
    assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
    assert.equal(res.body.error, 'validation_failed');
    assert.equal(res.body.statusCode, 400);
    const text = Array.isArray(res.body.message) ? res.body.message.join('\n') : res.body.message;
    for (const pattern of expected) assert.match(text, pattern);
    return res.body;
  }

  test('missing fields are named', async () => {
    await rejects('POST', '/api/cards', {}, [
      /credential must be a credential/,
      /type must be one of: employee, contractor, temporary, visitor/,
    ]);
    await rejects('POST', '/api/auth/login', { username: 'admin' }, [/password must be a string/]);
  });

  test('wrong types are named', async () => {
    await rejects('POST', '/api/zones', { name: 42, level: 'high' }, [/name must be a string/, /level must be an integer/]);
    await rejects('POST', '/api/cards', { credential: 'em4100:1', type: 'employee', validUntil: 'tomorrow' }, [
      /validUntil must be an integer/,
    ]);
  });

  test('unknown fields are refused, not silently dropped', async () => {
    await rejects('POST', '/api/people', { name: 'Mallory', kind: 'employee', role: 'admin' }, [/role: property role should not exist/]);
  });

  test('a credential in no known format is refused with examples of good ones', async () => {
    for (const credential of ['12345', 'em4100:', 'em4100:99999999999', 'uid:abc', 'EM4100 3887558']) {
      await rejects('POST', '/api/cards', { credential, type: 'employee' }, [/credential must be a credential such as em4100:3887558/]);
    }
  });

  test('nested schedule windows are validated with their path', async () => {
    await rejects('POST', '/api/schedules', { name: 'Night', holidays: 'closed', windows: [{ days: [8], start: '25:00', end: '06:00' }] }, [
      /windows\.0\.days: each value in days must not be greater than 7/,
      /windows\.0\.start must be HH:MM/,
    ]);
  });

  test('a body that is not JSON gets a clear 400', async () => {
    const res = await t.request<ApiError>('POST', '/api/people', { token: admin, rawBody: '{"name": "Eve",' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'validation_failed');
    assert.match(String(res.body.message), /not valid JSON/);
  });

  test('references to things that do not exist are refused', async () => {
    await rejects('POST', '/api/zones', { name: 'Vault', level: 3, parentId: 'nowhere' }, [
      /parentId: no zone nowhere/,
      /ownerPersonId is required/,
    ]);
    await rejects('POST', '/api/doors', { name: 'Door', fromZoneId: 'lobby', toZoneId: 'lobby' }, [/toZoneId must differ/]);
    await rejects('POST', '/api/doors', { name: 'Door', fromZoneId: 'lobby', toZoneId: 'office', releaseMs: 1000 }, [
      /releaseMs must not be less than 3000/,
    ]);
  });

  test('rejections are logged and the server keeps answering', async () => {
    assert.ok(t.logs.matching(/→ 400 validation_failed/, 'warn').length >= 5);
    const zones = await t.request<ZoneView[]>('GET', '/api/zones', { token: admin });
    assert.equal(zones.status, 200);
    assert.equal(zones.body.length, 4);
    const person = await t.request<PersonView>('POST', '/api/people', { token: admin, body: { name: 'Valid Person', kind: 'employee' } });
    assert.equal(person.status, 201);
  });

  test('one physical card has at most one live card: a second is 409 conflict until the first is revoked', async () => {
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const first = await t.request<CardView>('POST', '/api/cards', {
      token: admin,
      body: { credential: 'h10301:12:3456', type: 'employee', personId: people[0]!.id },
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.display, '12:3456');
    const second = await t.request<ApiError>('POST', '/api/cards', {
      token: admin,
      body: { credential: 'H10301:12:3456', type: 'temporary' },
    });
    assert.equal(second.status, 409);
    assert.equal(second.body.error, 'conflict');
    assert.equal((await t.request('PATCH', `/api/cards/${first.body.id}`, { token: admin, body: { status: 'revoked' } })).status, 200);
    const third = await t.request<CardView>('POST', '/api/cards', {
      token: admin,
      body: { credential: 'h10301:12:3456', type: 'temporary' },
    });
    assert.equal(third.status, 201);
    const reactivate = await t.request<ApiError>('PATCH', `/api/cards/${first.body.id}`, { token: admin, body: { status: 'active' } });
    assert.equal(reactivate.status, 409, 'the revoked card cannot come back while the new one lives');
  });

  test('unknown ids are 404 not_found', async () => {
    const res = await t.request<ApiError>('PATCH', '/api/cards/no-such-card', { token: admin, body: { status: 'lost' } });
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'not_found');
    assert.equal((await t.request<ApiError>('DELETE', '/api/grants/no-such-grant', { token: admin })).status, 404);
  });
  test('names and texts people type follow one rule: trimmed, NFC, never blank, no control, invisible or direction-changing characters', async () => {
    await rejects('POST', '/api/people', { name: '   ', kind: 'employee' }, [/name must not be blank/]);
    await rejects('POST', '/api/zones', { name: '\t \n', level: 1 }, [/name must not be blank/]);
    await rejects('POST', '/api/schedules', { name: ' ', windows: [{ days: [1], start: '08:00', end: '18:00' }] }, [
      /name must not be blank/,
    ]);
    await rejects('POST', '/api/people', { name: 'Admin\u202Egnp.exe', kind: 'employee' }, [/name contains a text-direction override/]);
    await rejects('POST', '/api/people', { name: 'Zhang\u200BWei', kind: 'employee' }, [/name contains an invisible character/]);
    await rejects('POST', '/api/people', { name: 'Bell\u0007', kind: 'employee' }, [/name contains a control character/]);
    await rejects('POST', '/api/people', { name: 'Two\nlines', kind: 'employee' }, [/name must be a single line/]);
    await rejects('POST', '/api/people', { name: 'broken \uD800 surrogate', kind: 'employee' }, [/name contains a broken character/]);
    // Found by the DTO fuzz test: this e-mail address used to make class-validator throw (500).
    await rejects('POST', '/api/people', { name: 'Mail Person', kind: 'employee', email: 'a\uD800@example.cn' }, [
      /email must be an email address/,
    ]);
    const created = await t.request<PersonView>('POST', '/api/people', {
      token: admin,
      body: { name: '  Jose\u0301 Garci\u0301a  ', kind: 'employee' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Jos\u00e9 Garc\u00eda', 'trimmed and composed (NFC)');
    // A multi-line note keeps its line breaks; emoji joiners are not "invisible characters".
    const zone = await t.request<ZoneView>('POST', '/api/zones', { token: admin, body: { name: '会议室 👩\u200D💻', level: 1 } });
    assert.equal(zone.status, 201);
  });
});
