import type { Logger } from '@nestjs/common';

/**
 * Work that must not overlap: each job starts after the previous one has finished; a
 * failure is logged and the next job still runs. Optionally repeated on a timer that never
 * keeps the process alive. `stop()` ends the timer, refuses new work and waits for what is
 * under way, so a closing server does not write after its database is gone. Used by the
 * time rules (visit sweep, overdue check, retention) and the alert pipeline.
 */
export class SerialWork {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly logger: Pick<Logger, 'error'>,
    /** Named in the log when a job fails: `alert handling`, `retention run`. */
    private readonly what: string,
  ) {}

  /** Queues `job`; resolves once it (and everything queued before it) has run. */
  run(job: () => Promise<unknown>): Promise<void> {
    if (this.stopped) return this.chain;
    this.chain = this.chain.then(job).then(
      () => undefined,
      (err: unknown) => this.logger.error(`${this.what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    return this.chain;
  }

  /** Queues `job` every `ms`. */
  every(ms: number, job: () => Promise<unknown>): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.run(job), ms);
    this.timer.unref();
  }

  /** Resolves when everything queued so far has run (tests wait on it). */
  idle(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
  }
}
