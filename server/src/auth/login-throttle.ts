import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';

interface Counter {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

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

/**
 * Refuses sign-in for a username or an address after repeated failures (requirements §8).
 * Kept in memory: a restart forgets counters, which only helps someone who can restart
 * the server.
 */
@Injectable()
export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY;

  constructor(private readonly clock: Clock) {}

  /** Milliseconds until sign-in is allowed again, or 0. */
  retryAfterMs(username: string, ip: string): number {
    const now = this.clock.now();
    let wait = 0;
    for (const key of this.keys(username, ip)) {
      const c = this.counters.get(key);
      if (c && c.lockedUntil > now) wait = Math.max(wait, c.lockedUntil - now);
    }
    return wait;
  }

  recordFailure(username: string, ip: string): void {
    const now = this.clock.now();
    const [userKey, ipKey] = this.keys(username, ip);
    this.bump(userKey, this.policy.perUsername, now);
    this.bump(ipKey, this.policy.perIp, now);
    if (this.counters.size > 10_000) this.prune(now);
  }

  recordSuccess(username: string): void {
    this.counters.delete(this.keys(username, '')[0]);
  }

  private bump(key: string, limit: number, now: number): void {
    let c = this.counters.get(key);
    if (!c || now - c.firstAt > this.policy.windowMs) {
      c = { failures: 0, firstAt: now, lockedUntil: 0 };
      this.counters.set(key, c);
    }
    c.failures += 1;
    if (c.failures >= limit) c.lockedUntil = now + this.policy.lockMs;
  }

  private keys(username: string, ip: string): [string, string] {
    return [`user:${username.trim().toLowerCase()}`, `ip:${ip}`];
  }

  private prune(now: number): void {
    for (const [key, c] of this.counters) {
      if (c.lockedUntil <= now && now - c.firstAt > this.policy.windowMs) this.counters.delete(key);
    }
  }
}
