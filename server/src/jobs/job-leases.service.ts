import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { SerialWork } from '../common/serial-work.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { namedQuery, quotedTable, returnedRows } from '../database/raw-sql.js';
import { JobLeaseEntity, type JobRunOutcome, JobRunEntity } from './job-lease.entity.js';

/** Periods of run history kept per job. */
const HISTORY_PERIODS = 100;

/**
 * How long a claim holds unless renewed: half the period (so a holder that dies early in a
 * period is taken over within it), at least 1 s, at most a minute (a dead holder of an
 * hourly job costs a minute, not an hour).
 */
export function leaseMsFor(periodMs: number): number {
  return Math.min(Math.max(Math.floor(periodMs / 2), 1000), 60_000);
}

/** How often an instance looks whether a period is due: four times a period, at most once a minute. */
export function tickMsFor(periodMs: number): number {
  return Math.min(Math.max(Math.floor(periodMs / 4), 250), 60_000);
}

/**
 * A job is stale when its last completed run (anywhere in the cluster) is older than this
 * many periods plus a lease: one late period is normal (a run that outlasted its tick), three
 * mean the job no longer runs.
 */
export const STALE_AFTER_PERIODS = 3;

export interface JobHealth {
  job: string;
  periodMs: number;
  /** When the last run finished, on any instance; null when none has since this instance started it. */
  lastCompletedAt: number | null;
  stale: boolean;
}

export interface JobRun {
  job: string;
  period: number;
  instanceId: string;
  startedAt: number;
  finishedAt: number | null;
  outcome: JobRunOutcome;
}

/**
 * Periodic jobs run once per period across every server instance sharing the database
 * (docs/operations.md#several-server-instances), through a lease row per job in `job_leases`:
 *
 * - an instance claims a period with one conditional UPDATE (period not done, no live
 *   lease); the database serialises competing UPDATEs of the row, so exactly one wins;
 * - the holder renews the lease while the job runs and marks the period done only after
 *   the job returned (or failed: a failure is logged and retried next period, as before);
 * - a holder that dies mid-run (SIGKILL, lost network) stops renewing: once its lease ran
 *   out, the next instance to look finishes that period before the current one.
 *
 * A period can therefore run twice only when a live holder's run outlasts its lease without
 * a renewal getting through (a stalled database or event loop). Every job scheduled here is
 * an idempotent sweep of what is due at the time it runs (visits past their window, passes
 * past their return date, records past retention, alerts past their escalation time), so a
 * second run finds nothing left to do and a late run catches up all that was missed.
 *
 * Time is each instance's clock: instances must be NTP-synchronised well within a lease.
 */
@Injectable()
export class JobLeases {
  private readonly logger = new Logger('Jobs');
  /** Per job, the latest period this instance knows is done: ticks within it skip the database. */
  private readonly knownDone = new Map<string, number>();
  private readonly rowsReady = new Set<string>();
  /** The jobs this instance schedules, with when it started scheduling them (the grace before a first run). */
  private readonly scheduled = new Map<string, { periodMs: number; since: number }>();
  readonly instanceId: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(SERVER_CONFIG) config: Pick<ServerConfig, 'instanceId'>,
  ) {
    this.instanceId = config.instanceId;
  }

  /** Queues `job` on `work` so that, across instances, it runs once every `periodMs`. */
  every(work: SerialWork, name: string, periodMs: number, job: () => Promise<unknown>): void {
    this.scheduled.set(name, { periodMs, since: this.clock.now() });
    work.every(tickMsFor(periodMs), () => this.runDue(name, periodMs, job));
  }

  /**
   * For each job this instance schedules, when its last run finished and whether that is far
   * older than its period. Runs on other instances count: the job is alive if the cluster
   * runs it. Reads the database, so it fails when the database does.
   */
  async health(): Promise<JobHealth[]> {
    const now = this.clock.now();
    const out: JobHealth[] = [];
    for (const [job, { periodMs, since }] of this.scheduled) {
      const row = await this.dataSource
        .getRepository(JobRunEntity)
        .createQueryBuilder('r')
        .select('MAX(r.finished_at)', 'last')
        .where('r.job = :job AND r.finished_at IS NOT NULL', { job })
        .getRawOne<{ last: string | number | null }>();
      const lastCompletedAt = row?.last === null || row?.last === undefined ? null : Number(row.last);
      const allowedMs = STALE_AFTER_PERIODS * periodMs + leaseMsFor(periodMs);
      const stale = now - Math.max(lastCompletedAt ?? 0, since) > allowedMs;
      out.push({ job, periodMs, lastCompletedAt, stale });
    }
    return out;
  }

  /**
   * Runs `job` for the current period unless it is done or held elsewhere; first finishes a
   * period whose holder died. Returns the periods this call ran. A job's error is rethrown
   * after its period is marked done.
   */
  async runDue(name: string, periodMs: number, job: () => Promise<unknown>): Promise<number[]> {
    const current = Math.floor(this.clock.now() / periodMs);
    if ((this.knownDone.get(name) ?? -1) >= current) return [];
    await this.ensureRow(name);
    const ran: number[] = [];
    // At most two rounds: a dead holder's period, then the current one.
    for (let round = 0; round < 2; round++) {
      const now = this.clock.now();
      const row = await this.dataSource.getRepository(JobLeaseEntity).findOneByOrFail({ name });
      if (row.donePeriod >= current) {
        this.knownDone.set(name, row.donePeriod);
        break;
      }
      if (row.leaseUntil > now) break;
      const period = row.period > row.donePeriod && row.period < current ? row.period : current;
      if (!(await this.claim(name, period, now, leaseMsFor(periodMs)))) break;
      ran.push(period);
      await this.runClaimed(name, period, leaseMsFor(periodMs), job);
      if (period === current) {
        this.knownDone.set(name, current);
        break;
      }
    }
    return ran;
  }

  /** The run history of `job`, oldest first. */
  async runs(job: string): Promise<JobRun[]> {
    const rows = await this.dataSource.getRepository(JobRunEntity).find({ where: { job }, order: { period: 'ASC', startedAt: 'ASC' } });
    return rows.map(({ id: _id, ...run }) => run);
  }

  private async ensureRow(name: string): Promise<void> {
    if (this.rowsReady.has(name)) return;
    await namedQuery(
      this.dataSource,
      `INSERT INTO ${this.table(JobLeaseEntity)} (name, holder, period, done_period, lease_until) VALUES (:name, NULL, -1, -1, 0) ON CONFLICT (name) DO NOTHING`,
      { name },
    );
    this.rowsReady.add(name);
  }

  private async claim(name: string, period: number, now: number, leaseMs: number): Promise<boolean> {
    const claimed = returnedRows(
      await namedQuery(
        this.dataSource,
        `UPDATE ${this.table(JobLeaseEntity)} SET holder = :me, period = :period, lease_until = :until
         WHERE name = :name AND done_period < :period AND lease_until <= :now RETURNING name`,
        { me: this.instanceId, period, until: now + leaseMs, name, now },
      ),
    );
    return claimed.length === 1;
  }

  private async runClaimed(name: string, period: number, leaseMs: number, job: () => Promise<unknown>): Promise<void> {
    const runId = randomUUID();
    await this.dataSource.getRepository(JobRunEntity).insert({
      id: runId,
      job: name,
      period,
      instanceId: this.instanceId,
      startedAt: this.clock.now(),
      finishedAt: null,
      outcome: 'running',
    });
    const renewal = setInterval(() => void this.renew(name, period, leaseMs), Math.max(Math.floor(leaseMs / 3), 100));
    renewal.unref();
    let failure: { error: unknown } | null = null;
    try {
      await job();
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(renewal);
    }
    await this.dataSource
      .getRepository(JobRunEntity)
      .update({ id: runId }, { finishedAt: this.clock.now(), outcome: failure ? 'failed' : 'done' });
    const finished = returnedRows(
      await namedQuery(
        this.dataSource,
        `UPDATE ${this.table(JobLeaseEntity)} SET done_period = :period, lease_until = 0
         WHERE name = :name AND holder = :me AND period = :period AND done_period < :period RETURNING name`,
        { period, name, me: this.instanceId },
      ),
    );
    if (finished.length === 0) {
      this.logger.warn(
        `${name}: period ${period} ran here after another instance took the lease over (the run outlasted it); the job is idempotent`,
      );
    }
    await namedQuery(this.dataSource, `DELETE FROM ${this.table(JobRunEntity)} WHERE job = :name AND period < :oldest`, {
      name,
      oldest: period - HISTORY_PERIODS,
    });
    if (failure) throw failure.error;
  }

  private async renew(name: string, period: number, leaseMs: number): Promise<void> {
    // A job still running while the application shuts down: its lease simply runs out.
    if (!this.dataSource.isInitialized) return;
    try {
      const renewed = returnedRows(
        await namedQuery(
          this.dataSource,
          `UPDATE ${this.table(JobLeaseEntity)} SET lease_until = :until
           WHERE name = :name AND holder = :me AND period = :period AND done_period < :period RETURNING name`,
          { until: this.clock.now() + leaseMs, name, me: this.instanceId, period },
        ),
      );
      if (renewed.length === 0) this.logger.warn(`${name}: lost the lease on period ${period} while running it`);
    } catch (err) {
      this.logger.error(`${name}: renewing the lease failed: ${(err as Error).message}`);
    }
  }

  private table(entity: typeof JobLeaseEntity | typeof JobRunEntity): string {
    return quotedTable(this.dataSource, entity);
  }
}
