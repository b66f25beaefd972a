import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { USER_ROLES, type UserRole } from '@acs/shared/access/model';
import type { GrantView } from '@acs/shared/api/grants';
import type { ApiError } from '@acs/shared/api/http';
import type { UserView } from '@acs/shared/api/users';
import { listRoutes, type RouteInfo } from '../testing/routes.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

type Access = 'public' | readonly UserRole[];

const EVERYONE: readonly UserRole[] = USER_ROLES;
const STAFF: readonly UserRole[] = ['admin', 'guard', 'auditor'];
const ADMIN: readonly UserRole[] = ['admin'];

/**
 * Who may call each /api route: one entry per route, checked against the running server
 * for every role. A new route fails the test until it has an entry here. Auditors may read
 * everything and change nothing but their own session and account.
 */
const EXPECTED_ACCESS: Readonly<Record<string, Access>> = {
  'POST /api/auth/login': 'public',
  'GET /api/health': 'public',
  'GET /api/health/live': 'public',
  'GET /api/health/ready': 'public',
  // No session: its own rule (loopback or ACS_METRICS_TOKEN), tested in metrics.e2e.test.ts.
  'GET /api/metrics': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/swagger-ui.css': 'public',
  'GET /api/docs/swagger-ui-bundle.js': 'public',
  'GET /api/docs/docs.js': 'public',
  'GET /api/docs/docs.css': 'public',

  'GET /api/openapi.json': EVERYONE,
  'GET /api/auth/me': EVERYONE,
  'PATCH /api/auth/me': EVERYONE,
  'POST /api/auth/password': EVERYONE,
  'POST /api/auth/logout': EVERYONE,

  'GET /api/zones': EVERYONE,
  'POST /api/zones': ADMIN,
  'GET /api/doors': EVERYONE,
  'POST /api/doors': ADMIN,
  'GET /api/schedules': EVERYONE,
  'POST /api/schedules': ADMIN,
  'GET /api/people': EVERYONE,
  'POST /api/people': ADMIN,
  'PATCH /api/people/:id': ADMIN,
  'GET /api/cards': EVERYONE,
  'POST /api/cards': ADMIN,
  'PATCH /api/cards/:id': ADMIN,
  'GET /api/grants': ['admin', 'auditor', 'employee'],
  'POST /api/grants': ADMIN,
  'DELETE /api/grants/:id': ADMIN,
  'GET /api/events': EVERYONE,
  'GET /api/agents': STAFF,
  'POST /api/agents': ADMIN,

  'GET /api/audit': ['admin', 'auditor'],
  'GET /api/audit/verify': ['admin', 'auditor'],
  'GET /api/users': ADMIN,
  'POST /api/users': ADMIN,
  'PATCH /api/users/:id': ADMIN,

  // Controlled areas, cards, permissions and proof.
  'GET /api/site': EVERYONE,
  'PATCH /api/site': ADMIN,
  'GET /api/lockdown': STAFF,
  'GET /api/alerts': STAFF,
  'POST /api/alerts/:id/acknowledge': ['admin', 'guard'],
  'POST /api/lockdown/start': ['admin', 'guard'],
  'POST /api/lockdown/end': ['admin', 'guard'],

  // Reception.
  'GET /api/visits': EVERYONE,
  'GET /api/visits/export.csv': ['admin', 'auditor'],
  'POST /api/visits': ['admin', 'guard', 'employee'],
  'POST /api/visits/walk-in': ['admin', 'guard'],
  'GET /api/visits/:id': EVERYONE,
  'GET /api/visits/:id/photo': STAFF,
  'PUT /api/visits/:id/photo': ['admin', 'guard'],
  'POST /api/visits/:id/host-decision': ['admin', 'employee'],
  'POST /api/visits/:id/watchlist-decision': ADMIN,
  'POST /api/visits/:id/check-in': ['admin', 'guard'],
  'POST /api/visits/:id/sign-out': ['admin', 'guard'],
  'POST /api/visits/:id/cancel': ['admin', 'guard', 'employee'],
  'GET /api/reception/on-site': STAFF,
  'GET /api/reception/settings': STAFF,
  'PUT /api/reception/settings': ADMIN,
  'GET /api/reception/watchlist': ['admin', 'guard'],
  'POST /api/reception/watchlist': ADMIN,
  'PATCH /api/reception/watchlist/:id': ADMIN,
  'GET /api/reception/pool': STAFF,
  'POST /api/reception/pool': ADMIN,
  'POST /api/reception/pool/:credential/retire': ADMIN,
  // Equipment and media.
  'GET /api/equipment': EVERYONE,
  'GET /api/equipment/movements': STAFF,
  'POST /api/equipment': ['admin', 'guard'],
  'POST /api/equipment/checkpoint': ['admin', 'guard'],
  'POST /api/equipment/media-check': ['admin', 'guard'],
  'GET /api/equipment/:id': EVERYONE,
  'PATCH /api/equipment/:id': ['admin', 'guard'],
  'POST /api/equipment/:id/return-to-service': ['admin', 'guard'],
  'GET /api/gate-passes': EVERYONE,
  'POST /api/gate-passes': ['admin', 'guard', 'employee'],
  'POST /api/gate-passes/:id/decision': ADMIN,
  'POST /api/gate-passes/:id/data-handling': ['admin', 'guard', 'employee'],
  'POST /api/gate-passes/:id/cancel': ['admin', 'guard', 'employee'],
  'GET /api/seals': STAFF,
  'POST /api/seals': ['admin', 'guard'],
  'POST /api/seals/:id/inspect': ['admin', 'guard'],
  'POST /api/seals/:id/replace': ['admin', 'guard'],
  // Incidents, violations and alert rules.
  'GET /api/alerts/rules': STAFF,
  'PUT /api/alerts/rules': ADMIN,
  'POST /api/alerts/:id/incident': ['admin', 'guard'],
  'GET /api/incidents': EVERYONE,
  'GET /api/incidents/stats': STAFF,
  'POST /api/incidents': ['admin', 'guard', 'employee'],
  'GET /api/incidents/:id': EVERYONE,
  'PATCH /api/incidents/:id': ['admin', 'guard'],
  'POST /api/incidents/:id/notes': ['admin', 'guard', 'employee'],
  'GET /api/incidents/:id/attachments/:entryId': EVERYONE,
  'POST /api/incidents/:id/close': ['admin', 'guard'],
  'GET /api/violations': ['admin', 'auditor'],
  'POST /api/violations': ['admin', 'guard'],
  'GET /api/evidence-pack': ['admin', 'auditor'],
  'GET /api/retention': ['admin', 'auditor'],
  'PUT /api/retention': ADMIN,
  'POST /api/retention/run': ADMIN,
  'GET /api/retention/holds': ['admin', 'auditor'],
  'POST /api/retention/holds': ADMIN,
  'POST /api/retention/holds/:id/release': ADMIN,
  'GET /api/reports/access-history.csv': STAFF,
  'GET /api/reports/alerts.csv': STAFF,
  'GET /api/reports/incidents.csv': STAFF,
  'GET /api/reports/movements.csv': STAFF,
  'GET /api/reports/zone-access.csv': ['admin', 'auditor'],
  'GET /api/zones/:id': EVERYONE,
  'PATCH /api/zones/:id': ADMIN,
  'DELETE /api/zones/:id': ADMIN,
  'GET /api/doors/:id': EVERYONE,
  'PATCH /api/doors/:id': ADMIN,
  'DELETE /api/doors/:id': ADMIN,
  'PATCH /api/schedules/:id': ADMIN,
  'DELETE /api/schedules/:id': ADMIN,
  'GET /api/cards/:id': EVERYONE,
  'GET /api/cards/:id/history': EVERYONE,
  'POST /api/cards/:id/transition': ADMIN,
  'POST /api/cards/:id/replacement': ADMIN,
  'GET /api/departments': EVERYONE,
  'GET /api/departments/:id': EVERYONE,
  'POST /api/departments': ADMIN,
  'PATCH /api/departments/:id': ADMIN,
  'DELETE /api/departments/:id': ADMIN,
  'GET /api/access-requests': EVERYONE,
  'GET /api/access-requests/:id': EVERYONE,
  // Employees file requests; zone owners (employees) and admins decide them.
  'POST /api/access-requests': ['admin', 'employee'],
  'POST /api/access-requests/:id/approve': ['admin', 'employee'],
  'POST /api/access-requests/:id/refuse': ['admin', 'employee'],
  'POST /api/access-requests/:id/cancel': ['admin', 'employee'],
  'GET /api/reviews': EVERYONE,
  'POST /api/reviews': ADMIN,
  'GET /api/reviews/:id/export.csv': ['admin', 'auditor'],
  'GET /api/reviews/:id': EVERYONE,
  'POST /api/reviews/:id/items/:itemId/decision': ['admin', 'employee'],
  'POST /api/reviews/:id/close': ADMIN,
  'GET /api/revocations': STAFF,
  'GET /api/revocations/:version': STAFF,
  'GET /api/agents/lag': STAFF,
  'GET /api/reports/leavers': STAFF,
  'GET /api/reports/leavers.csv': ['admin', 'auditor'],

  // Readers and OSDP key management.
  'GET /api/readers': STAFF,
  'GET /api/readers/:id/operations': STAFF,
  'POST /api/readers/:id/provisioning-window': ADMIN,
  'POST /api/readers/:id/keys': ADMIN,
};

/** Writes that touch only the caller's own session or account: auditors may make these. */
const SELF_SERVICE = new Set(['PATCH /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout']);

const key = (r: RouteInfo) => `${r.method} ${r.path}`;
const isRead = (method: string) => method === 'GET' || method === 'HEAD';

describe('access to every /api route by role', () => {
  let t: TestServer;
  let routes: RouteInfo[];
  const tokens = new Map<UserRole, string>();

  beforeAll(async () => {
    t = await startTestServer();
    routes = listRoutes(t.server.app).filter((r) => r.path.startsWith('/api'));
    for (const [role, username] of [
      ['admin', 'admin'],
      ['guard', 'guard'],
      ['employee', 'zhangwei'],
      ['auditor', 'auditor'],
    ] as const) {
      const { token, user } = await t.login(username, `${username}-demo`);
      assert.equal(user.role, role);
      tokens.set(role, token);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  test('every route has an entry in the expected-access table and every entry is a route', () => {
    const missing = routes.map(key).filter((k) => !(k in EXPECTED_ACCESS));
    assert.deepEqual(
      missing,
      [],
      `routes without an entry: add each to EXPECTED_ACCESS in server/src/auth/route-access.e2e.test.ts with the roles that may call it:\n  ${missing.join('\n  ')}`,
    );
    const present = new Set(routes.map(key));
    const stale = Object.keys(EXPECTED_ACCESS).filter((k) => !present.has(k));
    assert.deepEqual(stale, [], `EXPECTED_ACCESS names routes the server no longer has: ${stale.join(', ')}`);
  });

  test('the table itself keeps auditors read-only', () => {
    for (const [route, access] of Object.entries(EXPECTED_ACCESS)) {
      if (access === 'public' || isRead(route.split(' ')[0]!) || SELF_SERVICE.has(route)) continue;
      assert.ok(!access.includes('auditor'), `${route}: auditors change nothing`);
    }
  });

  test('each role is allowed exactly the routes the table gives it, and refused the others with 403', async () => {
    const problems: string[] = [];
    // Sign-out ends the session the walk uses: it goes last.
    const ordered = [...routes].sort((a, b) => Number(key(a) === 'POST /api/auth/logout') - Number(key(b) === 'POST /api/auth/logout'));
    for (const route of ordered) {
      const access = EXPECTED_ACCESS[key(route)];
      if (access === undefined) continue;
      const path = route.path.replace(/:[a-zA-Z]+/g, 'some-id');
      // An empty body: allowed writes stop at validation or "not found", so the walk changes nothing.
      const body = isRead(route.method) ? undefined : {};
      if (access === 'public') {
        const res = await t.request(route.method, path, { body });
        if (res.status === 401 || res.status === 403) problems.push(`${key(route)} without a session: ${res.status}, expected to be open`);
        continue;
      }
      for (const role of USER_ROLES) {
        const res = await t.request<ApiError>(route.method, path, { token: tokens.get(role)!, body });
        const allowed = access.includes(role);
        if (allowed && (res.status === 401 || res.status === 403)) {
          problems.push(`${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body)}, expected allowed`);
        }
        if (!allowed && (res.status !== 403 || res.body.error !== 'forbidden')) {
          problems.push(`${key(route)} as ${role}: ${res.status}, expected 403 forbidden`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe('employees see only their own data', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  test('their grants only, and no one else’s by asking for them', async () => {
    const admin = await t.token('admin');
    const { token, user } = await t.login('zhangwei', 'zhangwei-demo');
    const all = (await t.request<GrantView[]>('GET', '/api/grants', { token: admin })).body;
    assert.ok(
      all.some((g) => g.personId !== user.personId),
      'the demo has other people’s grants',
    );
    const mine = (await t.request<GrantView[]>('GET', '/api/grants', { token })).body;
    assert.ok(mine.length > 0);
    assert.ok(mine.every((g) => g.personId === user.personId));
    const other = all.find((g) => g.personId !== user.personId)!;
    assert.equal((await t.request('GET', `/api/grants?personId=${other.personId}`, { token })).status, 403);
  });

  test('an auditor’s write is refused even on a route that would otherwise let every role write', async () => {
    const token = await t.token('auditor');
    const refused = await t.request<ApiError>('POST', '/api/cards', { token, body: { credential: 'em4100:55', type: 'employee' } });
    assert.equal(refused.status, 403);
    const own = await t.request<UserView>('PATCH', '/api/auth/me', { token, body: { locale: 'en' } });
    assert.equal(own.status, 200, 'their own language is theirs to change');
    assert.equal((await t.request('POST', '/api/auth/logout', { token })).status, 204, 'and they can sign out');
  });
});
