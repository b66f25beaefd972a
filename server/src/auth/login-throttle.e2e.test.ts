import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { ApiError } from '@acs/shared/api/http';
import { ManualClock } from '../common/clock.js';
import type { ServerConfig } from '../config/server-config.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';
import { postgresSkip, sharedDatabase, type SharedDatabase } from '../testing/shared-database.js';
import { LoginThrottle } from './login-throttle.js';
import { LoginThrottleEntity } from './login-throttle.entity.js';

for (const kind of ['sqlite', 'postgres'] as const) {
  describeUnless(kind === 'postgres' ? postgresSkip : false)(
    `sign-in throttling shared by two instances on ${kind === 'sqlite' ? 'one SQLite file' : 'one PostgreSQL schema'}`,
    () => {
      let db: SharedDatabase;
      let a: TestServer;
      let b: TestServer;

      beforeAll(async () => {
        db = await sharedDatabase(kind);
        const settings: Partial<ServerConfig> =
          kind === 'sqlite'
            ? { sqlitePath: db.settings.sqlitePath }
            : { db: 'postgres', databaseUrl: db.settings.databaseUrl, dbSchema: db.settings.dbSchema };
        a = await startTestServer({ ...settings, instanceId: 'instance-a' });
        b = await startTestServer({ ...settings, instanceId: 'instance-b' });
      });
      afterAll(async () => {
        await a?.close();
        await b?.close();
        await db?.drop();
      });

      test('failures spread over both instances add up: the fifth locks the username on both, with the same Retry-After', async () => {
        for (const [i, t] of [a, b, a, b, a].entries()) {
          const res = await t.request<ApiError>('POST', '/api/auth/login', {
            body: { username: 'auditor', password: `wrong-${i}-password` },
          });
          assert.equal(res.status, 401, `attempt ${i + 1}`);
        }
        for (const t of [a, b]) {
          const locked = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'auditor', password: 'auditor-demo' } });
          assert.equal(locked.status, 429);
          assert.equal(locked.body.error, 'too_many_attempts');
          const retryAfter = Number(locked.headers.get('retry-after'));
          assert.ok(retryAfter > 890 && retryAfter <= 900, `Retry-After ${retryAfter} s is the 15-minute lock`);
        }
        assert.equal((await b.request('POST', '/api/auth/login', { body: { username: 'guard', password: 'guard-demo' } })).status, 200);
      });

      test('failures recorded at the same moment on two connections are all counted', async () => {
        const clock = new ManualClock();
        const throttles = [new LoginThrottle(await db.connect(), clock), new LoginThrottle(await db.connect(), clock)];
        await Promise.all(Array.from({ length: 20 }, (_, i) => throttles[i % 2]!.recordFailure('someone', '198.51.100.7')));
        const rows = await a.dataSource().getRepository(LoginThrottleEntity).findBy({});
        const count = (subject: string) => rows.find((r) => r.subject === subject)?.failures;
        assert.equal(count('user:someone'), 20);
        assert.equal(count('ip:198.51.100.7'), 20);
        assert.equal(
          await throttles[0]!.retryAfterMs('someone', '203.0.113.1'),
          15 * 60_000,
          'the username is locked from another address too',
        );
        assert.equal(await throttles[1]!.retryAfterMs('other', '198.51.100.7'), 15 * 60_000, 'so is the address for another username');
        clock.advance(15 * 60_000);
        assert.equal(await throttles[1]!.retryAfterMs('someone', '198.51.100.7'), 0, 'the lock ends after 15 minutes');
      });
    },
  );
}
