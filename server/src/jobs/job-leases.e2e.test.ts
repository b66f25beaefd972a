import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { ManualClock } from '../common/clock.js';
import { postgresSkip, sharedDatabase, type SharedDatabase } from '../testing/shared-database.js';
import { waitFor } from '../testing/server-harness.js';
import { JobLeases, leaseMsFor } from './job-leases.service.js';

const PERIOD = 60_000;
const LEASE = leaseMsFor(PERIOD);

for (const kind of ['sqlite', 'postgres'] as const) {
  describeUnless(kind === 'postgres' ? postgresSkip : false)(
    `job leases on ${kind === 'sqlite' ? 'one SQLite file' : 'one PostgreSQL schema'}`,
    () => {
      let db: SharedDatabase;
      let a: JobLeases;
      let b: JobLeases;
      const clock = new ManualClock();
      /** The start of a fresh period for each test. */
      let base = Math.ceil(clock.now() / PERIOD) * PERIOD;
      const nextBase = () => (base += 10 * PERIOD);

      beforeAll(async () => {
        db = await sharedDatabase(kind);
        a = new JobLeases(await db.connect(), clock, { instanceId: 'instance-a' });
        b = new JobLeases(await db.connect(), clock, { instanceId: 'instance-b' });
      });
      afterAll(() => db?.drop());

      test('two instances ticking through the same periods run each period exactly once, none skipped', async () => {
        const start = nextBase();
        const ranBy = new Map<number, string[]>();
        const job = (who: string) => async () => {
          const period = Math.floor(clock.now() / PERIOD);
          ranBy.set(period, [...(ranBy.get(period) ?? []), who]);
          await new Promise((r) => setTimeout(r, 5));
        };
        for (let i = 0; i < 6; i++) {
          clock.set(start + i * PERIOD + 1000);
          // Several ticks of each instance within the period, racing each other.
          await Promise.all([
            a.runDue('race', PERIOD, job('a')),
            b.runDue('race', PERIOD, job('b')),
            a.runDue('race', PERIOD, job('a')),
            b.runDue('race', PERIOD, job('b')),
          ]);
          clock.advance(PERIOD / 2);
          await Promise.all([a.runDue('race', PERIOD, job('a')), b.runDue('race', PERIOD, job('b'))]);
        }
        const periods = [...ranBy.keys()].sort((x, y) => x - y);
        assert.deepEqual(
          periods,
          [0, 1, 2, 3, 4, 5].map((i) => start / PERIOD + i),
        );
        for (const [period, who] of ranBy) assert.equal(who.length, 1, `period ${period} ran once (${who.join(', ')})`);
        const runs = await b.runs('race');
        assert.deepEqual(
          runs.map((r) => [r.period, r.instanceId, r.outcome]),
          periods.map((p) => [p, ranBy.get(p)![0] === 'a' ? 'instance-a' : 'instance-b', 'done']),
        );
      });

      test('a holder that dies mid-run is taken over once its lease ran out, and the period is done once', async () => {
        const period = nextBase() / PERIOD;
        clock.set(period * PERIOD + 1000);
        let release!: () => void;
        const dead = a.runDue('takeover', PERIOD, () => new Promise<void>((r) => (release = r)));
        await waitFor(async () => (await a.runs('takeover')).length === 1, 'instance A to claim the period');
        let ranOnB = 0;
        const jobB = async () => void ranOnB++;
        assert.deepEqual(await b.runDue('takeover', PERIOD, jobB), [], 'the lease is still live');
        clock.advance(LEASE + 1);
        assert.deepEqual(await b.runDue('takeover', PERIOD, jobB), [period], 'B finishes the period A never finished');
        assert.deepEqual(await b.runDue('takeover', PERIOD, jobB), [], 'done is done');
        assert.equal(ranOnB, 1);
        // A was only stalled: when its run ends it must not mark anything twice or disturb B's record.
        release();
        assert.deepEqual(await dead, [period]);
        assert.deepEqual(await a.runDue('takeover', PERIOD, async () => assert.fail('period already done')), []);
        const runs = await a.runs('takeover');
        assert.deepEqual(
          runs.map((r) => [r.period, r.instanceId, r.outcome]),
          [
            [period, 'instance-a', 'done'],
            [period, 'instance-b', 'done'],
          ],
        );
      });

      test('a holder that dies late in a period has that period finished in the next one, before the next one runs', async () => {
        const period = nextBase() / PERIOD;
        clock.set(period * PERIOD + PERIOD - 5000);
        const dead = a.runDue('late', PERIOD, () => new Promise<void>(() => {}));
        await waitFor(async () => (await a.runs('late')).length === 1, 'instance A to claim the period');
        clock.set((period + 1) * PERIOD + LEASE);
        const seen: number[] = [];
        assert.deepEqual(await b.runDue('late', PERIOD, async () => void seen.push(Math.floor(clock.now() / PERIOD))), [
          period,
          period + 1,
        ]);
        assert.equal(seen.length, 2);
        const runs = await b.runs('late');
        assert.deepEqual(
          runs.map((r) => [r.period, r.instanceId, r.outcome]),
          [
            [period, 'instance-a', 'running'],
            [period, 'instance-b', 'done'],
            [period + 1, 'instance-b', 'done'],
          ],
        );
        void dead;
      });

      test('a failing job is logged as failed and its period counts as done: the next period retries, not the other instance', async () => {
        const period = nextBase() / PERIOD;
        clock.set(period * PERIOD + 1000);
        await assert.rejects(
          a.runDue('failing', PERIOD, async () => Promise.reject(new Error('disk full'))),
          /disk full/,
        );
        assert.deepEqual(await b.runDue('failing', PERIOD, async () => assert.fail('ran twice')), []);
        clock.advance(PERIOD);
        assert.deepEqual(await b.runDue('failing', PERIOD, async () => {}), [period + 1]);
        assert.deepEqual(
          (await a.runs('failing')).map((r) => r.outcome),
          ['failed', 'done'],
        );
      });
    },
  );
}
