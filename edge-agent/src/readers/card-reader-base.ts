/**
 * What every reader shares, whatever its transport: one fault at a time (`fault` once
 * when it stops working, `recovered` once when it works again), debouncing of a card
 * held at the reader, and optional LED/buzzer feedback. Subclasses speak the protocol.
 */
import { EventEmitter } from 'node:events';
import type { CardReader, CardReaderEvents } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';
import type { ReaderFeedback } from './reader-feedback.js';

export interface CardReaderBaseOptions {
  id: string;
  /** Reads of the same credential closer together than this are one presentation (the window slides while it repeats). */
  debounceMs: number;
  feedback?: ReaderFeedback;
  log: Logger;
}

export abstract class CardReaderBase extends EventEmitter<CardReaderEvents> implements CardReader {
  readonly id: string;
  protected readonly log: Logger;
  private faulted = false;
  private started = false;
  /** Credential → when it was last read (ms, from the read's hrtime). */
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly base: CardReaderBaseOptions) {
    super();
    this.id = base.id;
    this.log = base.log;
  }

  get isFaulted(): boolean {
    return this.faulted;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.base.feedback?.start();
    await this.startReading();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.stopReading();
    this.base.feedback?.stop();
  }

  signal(outcome: 'grant' | 'deny'): void {
    this.base.feedback?.signal(outcome);
  }

  protected abstract startReading(): Promise<void>;
  protected abstract stopReading(): Promise<void>;

  /** Emits a read unless the same credential was read within the debounce time. */
  protected emitCard(credential: string, receivedAtNs: bigint): void {
    const now = Number(receivedAtNs / 1_000_000n);
    const { debounceMs } = this.base;
    const last = this.lastSeen.get(credential);
    this.lastSeen.set(credential, now);
    if (last !== undefined && now - last < debounceMs) return;
    if (this.lastSeen.size > 256) {
      for (const [seen, at] of this.lastSeen) if (now - at >= debounceMs) this.lastSeen.delete(seen);
    }
    this.emit('card', { readerId: this.id, credential, receivedAtNs });
  }

  /** The reader stopped working: logged and emitted once until it recovers. */
  protected reportFault(code: string, message: string): void {
    if (this.faulted) {
      this.log.debug(() => `reader ${this.id} still down: ${message}`);
      return;
    }
    this.faulted = true;
    this.log.error(`reader ${this.id} fault: ${message}; retrying in the background`, { code });
    this.emit('fault', { readerId: this.id, code, message });
  }

  /** The reader works: emits `recovered` if it was faulted. Returns whether it was. */
  protected reportWorking(detail: Record<string, unknown>): boolean {
    if (!this.faulted) return false;
    this.faulted = false;
    this.log.info(`reader ${this.id} recovered`, detail);
    this.emit('recovered', this.id);
    return true;
  }
}
