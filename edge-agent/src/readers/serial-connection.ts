/**
 * A serial port that stays open: opened through serialport's stream with a pluggable
 * binding (the operating system's ports, a pseudo-terminal, or the simulator's
 * in-process ports), reopened with exponential backoff inside the process when it
 * closes or cannot be opened (an unplugged USB adapter). Every serial reader uses it,
 * so they share one reconnect behaviour; each reader decides what counts as a fault
 * and a recovery (a PN532 is healthy only once it answers, not when its port opens).
 */
import { EventEmitter } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { Logger } from '../log/logger.js';
import type { ReaderFeedback } from './reader-feedback.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000 };

export type SerialLossCode = 'port_closed' | 'port_open_failed';

export interface SerialConnectionEvents {
  /** The port is open (first time or again). */
  open: [];
  /** Bytes as the port delivered them, stamped when they reached the process. */
  data: [chunk: Buffer, receivedAtNs: bigint];
  /** The port closed or an open attempt failed; a new attempt is scheduled. Emitted per attempt. */
  lost: [code: SerialLossCode, message: string];
}

export interface SerialConnectionOptions {
  path: string;
  baudRate: number;
  binding: BindingInterface;
  backoff?: BackoffOptions;
  /** For log lines: whose port this is. */
  owner: string;
  log: Logger;
}

export class SerialConnection extends EventEmitter<SerialConnectionEvents> {
  private port: SerialPortStream | null = null;
  private running = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private baud: number;

  constructor(private readonly options: SerialConnectionOptions) {
    super();
    this.delayMs = this.backoff.initialMs;
    this.baud = options.baudRate;
  }

  /** The speed the port runs at (and is reopened at). */
  get baudRate(): number {
    return this.baud;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  get path(): string {
    return this.options.path;
  }

  /** Opens the port. Resolves after the first attempt, successful or not (it then retries). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.open();
  }

  /** Closes the port and stops retrying. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearRetry();
    await this.closePort();
  }

  /** Sends bytes; false when the port is not open (nothing is queued for a closed port). */
  write(bytes: Uint8Array): boolean {
    const port = this.port;
    if (!port?.isOpen) return false;
    port.write(Buffer.from(bytes));
    return true;
  }

  /**
   * Closes the port and reopens it after the current backoff delay: for a device that
   * stopped answering although its port is still there.
   */
  restart(reason: string): void {
    if (!this.running) return;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) port.close();
    this.options.log.debug(() => `${this.options.owner}: reopening ${this.options.path} (${reason}) in ${this.delayMs} ms`);
    this.scheduleRetry();
  }

  /**
   * Changes the speed of the open port, and of every later reopening (a device told to
   * change speed, such as an OSDP reader after COMSET). Rejects when the driver refuses.
   */
  async updateBaudRate(baudRate: number): Promise<void> {
    const port = this.port;
    if (port?.isOpen) await new Promise<void>((resolve, reject) => port.update({ baudRate }, (err) => (err ? reject(err) : resolve())));
    this.baud = baudRate;
  }

  /** Called by the reader once the device works: the next failure starts from the initial delay. */
  resetBackoff(): void {
    this.delayMs = this.backoff.initialMs;
  }

  private get backoff(): BackoffOptions {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  private open(): Promise<void> {
    const { log, owner, path } = this.options;
    const port = new SerialPortStream({ binding: this.options.binding, path, baudRate: this.baud, autoOpen: false });
    return new Promise<void>((resolve) => {
      port.open((err) => {
        if (!this.running) {
          if (!err) port.close();
          resolve();
          return;
        }
        if (err) {
          this.onLost('port_open_failed', `cannot open ${path}: ${err.message}`);
          resolve();
          return;
        }
        this.port = port;
        port.on('error', (e) => log.warn(`serial port error on ${owner}`, { path, error: e.message }));
        port.on('close', (e?: Error | null) => {
          if (this.port !== port) return;
          this.port = null;
          if (this.running) this.onLost('port_closed', `${path} closed${e ? `: ${e.message}` : ''}`);
        });
        port.on('data', (chunk: Buffer) => this.emit('data', chunk, process.hrtime.bigint()));
        this.emit('open');
        resolve();
      });
    });
  }

  private onLost(code: SerialLossCode, message: string): void {
    this.emit('lost', code, message);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.backoff.maxMs);
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.open();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/** What a reader on a serial port is built from (see `hardware/factory.ts`). */
export interface SerialReaderOptions {
  id: string;
  path: string;
  baudRate?: number;
  binding: BindingInterface;
  /** Repeats of the same card within this time are one presentation. */
  debounceMs?: number;
  backoff?: BackoffOptions;
  feedback?: ReaderFeedback;
  log: Logger;
}
