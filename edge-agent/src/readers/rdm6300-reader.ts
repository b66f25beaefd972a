/**
 * An RDM6300 reader on a serial port, as a `CardReader`. The transport is serialport's
 * stream with a pluggable binding: the operating system's ports on a Pi, or the
 * simulator's in-process ports. A port that closes or fails to open is reopened with
 * exponential backoff inside the process (`fault`, then `recovered`); other readers
 * keep deciding meanwhile.
 */
import { EventEmitter } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { em4100Credential } from '@acs/shared/credentials/credential';
import type { CardReader, CardReaderEvents } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';
import { Rdm6300Parser, type TimedRdm6300Frame } from './rdm6300-parser.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface Rdm6300ReaderOptions {
  id: string;
  path: string;
  baudRate?: number;
  binding: BindingInterface;
  /** Repeats of the same tag within this time are one presentation. */
  debounceMs?: number;
  backoff?: BackoffOptions;
  log: Logger;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000 };

export class Rdm6300Reader extends EventEmitter<CardReaderEvents> implements CardReader {
  readonly id: string;
  private port: SerialPortStream | null = null;
  private parser: Rdm6300Parser | null = null;
  private running = false;
  private faulted = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  /** Tag → when it was last seen (ms, monotonic). */
  private readonly lastSeen = new Map<number, number>();

  constructor(private readonly options: Rdm6300ReaderOptions) {
    super();
    this.id = options.id;
    this.delayMs = this.backoff.initialMs;
  }

  /** Counters of decoded and rejected frames since start. */
  get stats() {
    return this.parser?.decoder.stats ?? { frames: 0, checksumErrors: 0, malformed: 0, noiseBytes: 0 };
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private get backoff(): BackoffOptions {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  private open(): Promise<void> {
    const { log } = this.options;
    const port = new SerialPortStream({
      binding: this.options.binding,
      path: this.options.path,
      baudRate: this.options.baudRate ?? 9600,
      autoOpen: false,
    });
    const parser = new Rdm6300Parser((rejection) =>
      log.debug(() => `rejected frame on ${this.id}: ${rejection.reason} (${rejection.detail}) ${rejection.bytes.toString('hex')}`),
    );
    // Counters survive reopening; a partial frame from the old port does not.
    if (this.parser) Object.assign(parser.decoder.stats, this.parser.decoder.stats);
    return new Promise<void>((resolve) => {
      port.open((err) => {
        if (!this.running) {
          if (!err) port.close();
          resolve();
          return;
        }
        if (err) {
          this.onFailure('port_open_failed', `cannot open ${this.options.path}: ${err.message}`);
          resolve();
          return;
        }
        this.port = port;
        this.parser = parser;
        port.on('error', (e) => log.warn(`serial port error on reader ${this.id}`, { path: this.options.path, error: e.message }));
        port.on('close', (e?: Error | null) => {
          if (this.port !== port) return;
          this.port = null;
          port.unpipe(parser);
          if (this.running) this.onFailure('port_closed', `${this.options.path} closed${e ? `: ${e.message}` : ''}`);
        });
        parser.on('data', (frame: TimedRdm6300Frame) => this.onFrame(frame));
        port.pipe(parser);
        this.delayMs = this.backoff.initialMs;
        if (this.faulted) {
          this.faulted = false;
          log.info(`reader ${this.id} recovered`, { path: this.options.path });
          this.emit('recovered', this.id);
        } else {
          log.info(`reader ${this.id} listening`, { path: this.options.path, baudRate: this.options.baudRate ?? 9600 });
        }
        resolve();
      });
    });
  }

  private onFrame(frame: TimedRdm6300Frame): void {
    const now = Number(frame.receivedAtNs / 1_000_000n);
    const debounceMs = this.options.debounceMs ?? 1000;
    const last = this.lastSeen.get(frame.tag);
    this.lastSeen.set(frame.tag, now);
    if (last !== undefined && now - last < debounceMs) return;
    if (this.lastSeen.size > 256) {
      for (const [tag, seen] of this.lastSeen) if (now - seen >= debounceMs) this.lastSeen.delete(tag);
    }
    this.emit('card', { readerId: this.id, credential: em4100Credential(frame.tag), receivedAtNs: frame.receivedAtNs });
  }

  private onFailure(code: 'port_closed' | 'port_open_failed', message: string): void {
    const { log } = this.options;
    if (!this.faulted) {
      this.faulted = true;
      log.error(`reader ${this.id} fault: ${message}; retrying in the background`, { code });
      this.emit('fault', { readerId: this.id, code, message });
    } else {
      log.debug(() => `reader ${this.id} still down: ${message}; next attempt in ${this.delayMs} ms`);
    }
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.backoff.maxMs);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.open();
    }, delay);
  }
}
