import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Clock } from '../common/clock.js';
import { namedQuery, quotedTable } from '../database/raw-sql.js';
import { LoginThrottleEntity } from './login-throttle.entity.js';

export interface ThrottlePolicy {
  /** Failures that lock a username. */
  perUsername: number;
  /** Failures from one address that lock it (higher: a reception desk shares one). */
  perIp: number;
  /** Window in which failures add up, and the lock duration. */
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  perUsername: 5,
  perIp: 20,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

/** Failures recorded by this instance between two prunes of expired counters. */
const PRUNE_EVERY = 500;

/**
 * Refuses sign-in for a username or an address after repeated failures (docs/security.md#authentication-and-roles).
 * The counters live in the database (`login_throttle`) so that several server instances
 * share them: with per-instance counters an attacker spread over N instances would get N
 * times the attempts (docs/operations.md#several-server-instances). Each failure is one atomic upsert, so concurrent failures
 * on different instances all count.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY;
  private failuresSincePrune = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until sign-in is allowed again, or 0. */
  async retryAfterMs(username: string, ip: string): Promise<number> {
    const now = this.clock.now();
    const rows = await this.dataSource
      .getRepository(LoginThrottleEntity)
      .find({ select: { subject: true, lockedUntil: true }, where: { subject: In(this.keys(username, ip)) } });
    let wait = 0;
    for (const row of rows) if (row.lockedUntil > now) wait = Math.max(wait, row.lockedUntil - now);
    return wait;
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const [userKey, ipKey] = this.keys(username, ip);
    await this.bump(userKey, this.policy.perUsername, now);
    await this.bump(ipKey, this.policy.perIp, now);
    if (++this.failuresSincePrune >= PRUNE_EVERY) {
      this.failuresSincePrune = 0;
      await namedQuery(
        this.dataSource,
        `DELETE FROM ${quotedTable(this.dataSource, LoginThrottleEntity)} WHERE locked_until <= :now AND first_at < :windowStart`,
        {
          now,
          windowStart: now - this.policy.windowMs,
        },
      );
    }
  }

  async recordSuccess(username: string): Promise<void> {
    await this.dataSource.getRepository(LoginThrottleEntity).delete({ subject: this.keys(username, '')[0] });
  }

  /**
   * One statement on both engines: a counter whose window has passed starts again at 1 (and
   * unlocks), otherwise it adds 1; reaching the limit locks it for `lockMs` from now.
   */
  private async bump(subject: string, limit: number, now: number): Promise<void> {
    const fresh = `login_throttle.first_at < :windowStart`;
    const failures = `CASE WHEN ${fresh} THEN 1 ELSE login_throttle.failures + 1 END`;
    await namedQuery(
      this.dataSource,
      `INSERT INTO ${quotedTable(this.dataSource, LoginThrottleEntity)} (subject, failures, first_at, locked_until)
       VALUES (:subject, 1, :now, :firstLock)
       ON CONFLICT (subject) DO UPDATE SET
         failures = ${failures},
         first_at = CASE WHEN ${fresh} THEN :now ELSE login_throttle.first_at END,
         locked_until = CASE WHEN ${failures} >= :limit THEN :lockedUntil WHEN ${fresh} THEN 0 ELSE login_throttle.locked_until END`,
      {
        subject,
        now,
        windowStart: now - this.policy.windowMs,
        limit,
        lockedUntil: now + this.policy.lockMs,
        firstLock: limit <= 1 ? now + this.policy.lockMs : 0,
      },
    );
  }

  private keys(username: string, ip: string): [string, string] {
    return [`user:${username.trim().toLowerCase()}`.slice(0, 200), `ip:${ip}`.slice(0, 200)];
  }
}
