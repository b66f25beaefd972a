/**
 * The durable outbox in front of the MQTT link. `add()` numbers an event synchronously
 * (the badge path never waits) and queues it; queued events are written to SQLite in
 * batches, one transaction per batch, in order, and `durable` fires once they are on
 * disk. Only durable events are published. A failed write keeps the batch and retries:
 * an event is never dropped because the disk hiccupped.
 */
import { EventEmitter } from 'node:events';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import type { Logger } from '../log/logger.js';
import type { EventJournal } from './event-journal.js';
import type { LocalStore } from './local-store.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the outbox gives it its sequence number. */
export type NewAgentEvent = DistributiveOmit<AgentEvent, 'seq'>;

export interface OutboxEvents {
  /** Events up to `lastSeq` are on disk. */
  durable: [lastSeq: number];
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 30_000;

export class Outbox extends EventEmitter<OutboxEvents> {
  private seq: number;
  private pending: AgentEvent[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: LocalStore,
    private readonly log: Logger,
    /** Write-ahead journal: an event decided is on disk before add() returns, even if the process dies. */
    private readonly journal: EventJournal | null = null,
  ) {
    super();
    this.seq = store.lastSeq;
  }

  /** Numbers the event and queues it for the disk. Synchronous and cheap. */
  add(event: NewAgentEvent): AgentEvent {
    const numbered: AgentEvent = { ...event, seq: ++this.seq };
    try {
      this.journal?.append(numbered);
    } catch (err) {
      // A full or failing disk must not stop the door: the event still goes to SQLite.
      this.log.error('could not journal an event', { seq: numbered.seq, error: (err as Error).message });
    }
    this.pending.push(numbered);
    this.schedule();
    return numbered;
  }

  /** Events queued but not yet on disk. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Durable events after `afterSeq`, oldest first. */
  read(afterSeq: number, limit: number): Promise<AgentEvent[]> {
    return this.store.readEvents(afterSeq, limit);
  }

  /** Drops events the server has stored. */
  ack(seqs: readonly number[]): Promise<number> {
    return this.store.deleteEvents(seqs);
  }

  /** Durable events not yet acknowledged. */
  durableCount(): Promise<number> {
    return this.store.countEvents();
  }

  /** Waits until everything queued so far is on disk (or `timeoutMs` passed). */
  async flush(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.length > 0 || this.writing) && Date.now() < deadline) {
      if (this.writing) await this.writing;
      else await this.write();
      if (this.pending.length > 0 && this.retryTimer) await new Promise((r) => setTimeout(r, Math.min(this.retryMs, 100)));
    }
    return this.pending.length === 0 && !this.writing;
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private schedule(): void {
    if (this.scheduled || this.writing || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.write();
    });
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.pending.length === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = [];
    const writing = this.store.appendEvents(batch).then(
      () => {
        this.retryMs = RETRY_MIN_MS;
        // Everything journaled so far is durable only when nothing else is queued.
        if (this.pending.length === 0) {
          try {
            this.journal?.clear();
          } catch (err) {
            this.log.warn('could not empty the event journal', { error: (err as Error).message });
          }
        }
        this.emit('durable', batch[batch.length - 1]!.seq);
      },
      (err: unknown) => {
        this.pending = batch.concat(this.pending);
        this.log.error('could not write events to the outbox; keeping them in memory and retrying', {
          events: this.pending.length,
          retryInMs: this.retryMs,
          error: (err as Error).message,
        });
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.schedule();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      },
    );
    this.writing = writing.finally(() => {
      this.writing = null;
      if (this.pending.length > 0) this.schedule();
    });
    return this.writing;
  }
}
