/**
 * Delays between reconnection attempts: exponential growth from `minMs` to `maxMs` with
 * "equal jitter" (half the step fixed, half random). The fixed half makes the delay grow
 * for certain, so a broker that refuses us is not hammered; the random half spreads a
 * fleet out, so a broker restart does not bring 1,000 agents back in the same second.
 */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

export class ReconnectBackoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.minMs > 0) || !(options.maxMs >= options.minMs)) {
      throw new RangeError(`backoff needs 0 < minMs <= maxMs, got ${options.minMs} and ${options.maxMs}`);
    }
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts as one failed attempt. */
  next(): number {
    // 2^attempt is capped before it can overflow; past the cap only the jitter varies.
    const step = Math.min(this.options.maxMs, this.options.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  /** A connection succeeded: the next outage starts again from `minMs`. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
