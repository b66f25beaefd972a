import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { CardView } from '@acs/shared/api/cards';
import type { EventView } from '@acs/shared/api/events';
import type { ApiError, Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { UserView } from '@acs/shared/api/users';
import { ManualClock } from '../common/clock.js';
import { listRoutes } from '../testing/routes.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

describe('sign-in and roles', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a good password returns a session token, the user and its expiry; the token opens /api/auth/me', async () => {
    const res = await t.request<{ token: string; expiresAt: number; user: UserView }>('POST', '/api/auth/login', {
      body: { username: 'guard', password: 'guard-demo' },
    });
    assert.equal(res.status, 200);
    assert.equal(Buffer.from(res.body.token, 'base64url').length, 32);
    assert.equal(res.body.user.role, 'guard');
    assert.ok(res.body.expiresAt > Date.now() + 7 * 3600_000, 'expires after the 8 h default');
    const me = await t.request<UserView>('GET', '/api/auth/me', { token: res.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'guard');
  });

  test('a wrong password or unknown user is 401 invalid_credentials, and the failure is logged', async () => {
    const wrong = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'admin', password: 'not-the-password' } });
    const adminId = (await t.login('admin', 'admin-demo')).user.id;
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_credentials');
    const unknown = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'nobody', password: 'whatever-123' } });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_credentials');
    // Logged by user id, never by the typed username.
    assert.ok(t.logs.matching(new RegExp(`sign-in failed for user ${adminId} `), 'warn').length >= 1);
    assert.ok(t.logs.matching(/sign-in failed for an unknown username/, 'warn').length >= 1);
    assert.equal(t.logs.matching(/nobody/).length, 0);
  });

  test('every /api route except login, health and the documentation page refuses a request without a valid token', async () => {
    const routes = listRoutes(t.server.app).filter((r) => r.path.startsWith('/api'));
    assert.ok(routes.length >= 20, `found ${routes.length} routes`);
    // The documentation page and its Swagger UI files hold no data; the description itself needs a session.
    const PUBLIC = [
      'POST /api/auth/login',
      'GET /api/health',
      'GET /api/health/live',
      'GET /api/health/ready',
      'GET /api/metrics',
      'GET /api/docs',
      'GET /api/docs/swagger-ui.css',
      'GET /api/docs/swagger-ui-bundle.js',
      'GET /api/docs/docs.css',
      'GET /api/docs/docs.js',
    ];
    const open = routes.filter((r) => PUBLIC.includes(`${r.method} ${r.path}`));
    assert.equal(open.length, PUBLIC.length);
    for (const route of routes) {
      if (open.includes(route)) continue;
      const path = route.path.replace(/:[a-zA-Z]+/g, 'some-id');
      const body = route.method === 'GET' || route.method === 'HEAD' ? undefined : {};
      const none = await t.request<ApiError>(route.method, path, { body });
      assert.equal(none.status, 401, `${route.method} ${route.path} without a token`);
      assert.equal(none.body.error, 'unauthorized');
      const bogus = await t.request<ApiError>(route.method, path, { token: 'x'.repeat(43), body });
      assert.equal(bogus.status, 401, `${route.method} ${route.path} with an unknown token`);
    }
    assert.equal((await t.request('GET', '/api/health')).status, 200);
  });

  test('logout ends the session', async () => {
    const { token } = await t.login('admin', 'admin-demo');
    assert.equal((await t.request('POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 401);
  });

  test('a user changes their own locale', async () => {
    const token = await t.token('zhangwei');
    const res = await t.request<UserView>('PATCH', '/api/auth/me', { token, body: { locale: 'en' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.locale, 'en');
    const bad = await t.request<ApiError>('PATCH', '/api/auth/me', { token, body: { locale: 'fr' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'validation_failed');
  });

  test('an employee cannot create cards and sees only their own person, cards and events', async () => {
    const token = await t.token('zhangwei');
    const me = (await t.request<UserView>('GET', '/api/auth/me', { token })).body;
    const create = await t.request<ApiError>('POST', '/api/cards', { token, body: { credential: 'em4100:42', type: 'employee' } });
    assert.equal(create.status, 403);
    assert.equal(create.body.error, 'forbidden');

    const people = (await t.request<PersonView[]>('GET', '/api/people', { token })).body;
    assert.deepEqual(
      people.map((p) => p.id),
      [me.personId],
    );
    const cards = (await t.request<CardView[]>('GET', '/api/cards', { token })).body;
    assert.equal(cards.length, 1);
    assert.equal(cards[0]!.credential, 'em4100:3887558');
    assert.ok(cards.every((c) => c.personId === me.personId));

    const adminToken = await t.token('admin');
    const allPeople = (await t.request<PersonView[]>('GET', '/api/people', { token: adminToken })).body;
    const someoneElse = allPeople.find((p) => p.id !== me.personId)!;
    const events = await t.request<Page<EventView>>('GET', '/api/events', { token });
    assert.equal(events.status, 200);
    assert.ok(events.body.items.every((e) => e.personId === me.personId));
    assert.equal((await t.request('GET', `/api/events?personId=${someoneElse.id}`, { token })).status, 403);
    assert.equal((await t.request('GET', `/api/grants?personId=${someoneElse.id}`, { token })).status, 403);
    assert.equal((await t.request('GET', '/api/agents', { token })).status, 403);
  });

  test('an auditor reads everything and changes nothing', async () => {
    const token = await t.token('auditor');
    for (const path of [
      '/api/zones',
      '/api/doors',
      '/api/people',
      '/api/cards',
      '/api/schedules',
      '/api/grants',
      '/api/events',
      '/api/agents',
    ]) {
      assert.equal((await t.request('GET', path, { token })).status, 200, `GET ${path}`);
    }
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token })).body;
    const cards = (await t.request<CardView[]>('GET', '/api/cards', { token })).body;
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/zones', { name: 'Vault', level: 1 }],
      ['POST', '/api/doors', { name: 'x', fromZoneId: 'lobby', toZoneId: 'office' }],
      ['POST', '/api/people', { name: 'New', kind: 'employee' }],
      ['PATCH', `/api/people/${people[0]!.id}`, { status: 'departed' }],
      ['POST', '/api/cards', { credential: 'em4100:77', type: 'employee' }],
      ['PATCH', `/api/cards/${cards[0]!.id}`, { status: 'revoked' }],
      ['POST', '/api/schedules', { name: 'x', windows: [], holidays: 'normal' }],
      ['POST', '/api/grants', { personId: people[0]!.id, zoneId: 'office' }],
      ['DELETE', '/api/grants/some-id', undefined],
      ['POST', '/api/agents', { id: 'agent-9' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await t.request<ApiError>(method, path, { token, body });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error, 'forbidden');
    }
    // Nothing changed.
    assert.equal((await t.request<PersonView[]>('GET', '/api/people', { token })).body[0]!.status, 'active');
  });

  test('a guard reads zones, doors, people, cards, events and agents but cannot change them', async () => {
    const token = await t.token('guard');
    for (const path of ['/api/zones', '/api/doors', '/api/people', '/api/cards', '/api/events', '/api/agents']) {
      assert.equal((await t.request('GET', path, { token })).status, 200, `GET ${path}`);
    }
    assert.equal((await t.request('POST', '/api/people', { token, body: { name: 'x', kind: 'employee' } })).status, 403);
  });
  test('after five failures a username is refused with 429 too_many_attempts, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'auditor', password: `wrong-${i}-password` } });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const locked = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'auditor', password: 'auditor-demo' } });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error, 'too_many_attempts');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    // Other users are unaffected.
    assert.equal((await t.request('POST', '/api/auth/login', { body: { username: 'guard', password: 'guard-demo' } })).status, 200);
  });
});

describe('the leaver rule at sign-in', () => {
  test("a departed person's account loses its session and cannot sign in again", async () => {
    const t = await startTestServer();
    try {
      const { token, user } = await t.login('zhangwei', 'zhangwei-demo');
      const admin = await t.token('admin');
      assert.equal((await t.request('PATCH', `/api/people/${user.personId}`, { token: admin, body: { status: 'departed' } })).status, 200);
      assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 401);
      const again = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'zhangwei', password: 'zhangwei-demo' } });
      assert.equal(again.status, 401);
      assert.ok(t.logs.matching(new RegExp(`sign-in failed for user ${user.id} .*\\(the person has departed\\)`), 'warn').length === 1);
    } finally {
      await t.close();
    }
  });
});

describe('session expiry', () => {
  test('a session slides forward with use and ends after ACS_SESSION_TTL_MINUTES of silence', async () => {
    const clock = new ManualClock(Date.now());
    const t = await startTestServer({ sessionTtlMinutes: 30 }, { clock });
    try {
      const { token, expiresAt } = await t.login('admin', 'admin-demo');
      assert.equal(expiresAt, clock.now() + 30 * 60_000);
      clock.advance(20 * 60_000);
      assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 200, 'used within the TTL: slides');
      clock.advance(20 * 60_000);
      assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 200, '40 min after sign-in but 20 after last use');
      clock.advance(31 * 60_000);
      assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 401, '31 min of silence');
    } finally {
      await t.close();
    }
  });
});
