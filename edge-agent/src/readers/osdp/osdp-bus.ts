/**
 * One RS-485 line with one or more PDs (multi-drop): the serial port, the frame decoder
 * and the scheduler. Exactly one command is on the wire at a time; the PDs take turns
 * (round robin among those that want the bus), each at its own pace (idle polls, retries,
 * offline probes, queued commands). The port is a `SerialConnection`, as for every serial
 * reader: closed or unopenable, it is reopened with backoff inside the process; the line's
 * PDs are offline meanwhile.
 */
import { EventEmitter } from 'node:events';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { Logger } from '../../log/logger.js';
import { SerialConnection, type BackoffOptions, type SerialLossCode } from '../serial-connection.js';
import { OsdpFrameDecoder, type DecodedFrame } from './osdp-packet.js';
import { commandName, wireTimeMs } from './osdp-protocol.js';
import type { OsdpPdSession } from './osdp-pd-session.js';
import type { OsdpTiming } from './osdp-timing.js';

export interface OsdpBusOptions {
  path: string;
  baudRate: number;
  binding: BindingInterface;
  timing: OsdpTiming;
  log: Logger;
  backoff?: BackoffOptions;
}

export type PortFaultCode = SerialLossCode;

export interface OsdpBusEvents {
  portDown: [code: PortFaultCode, message: string];
  portUp: [];
}

export interface OsdpBusStats {
  bytesOut: number;
  bytesIn: number;
  exchanges: number;
  noReply: number;
  /** Frames that were not a reply to the exchange in flight (echo, other addresses, late replies). */
  strayFrames: number;
  rejectedFrames: number;
  noiseBytes: number;
}

interface Waiting {
  address: number;
  resolve: (frame: DecodedFrame | null) => void;
}

export class OsdpBus extends EventEmitter<OsdpBusEvents> {
  readonly path: string;
  readonly stats: OsdpBusStats = { bytesOut: 0, bytesIn: 0, exchanges: 0, noReply: 0, strayFrames: 0, rejectedFrames: 0, noiseBytes: 0 };
  private readonly sessions: OsdpPdSession[] = [];
  private readonly decoder: OsdpFrameDecoder;
  private readonly connection: SerialConnection;
  private running = false;
  private loopDone: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private waiting: Waiting | null = null;
  private roundRobin = 0;
  private portFaulted = false;
  private pendingBaud: number | null = null;

  constructor(private readonly options: OsdpBusOptions) {
    super();
    this.path = options.path;
    this.connection = new SerialConnection({
      path: options.path,
      baudRate: options.baudRate,
      binding: options.binding,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      owner: `OSDP line ${options.path}`,
      log: options.log,
    });
    this.connection.on('open', () => this.onPortOpen());
    this.connection.on('lost', (code, message) => this.onPortLost(code, message));
    this.connection.on('data', (chunk, receivedAtNs) => {
      this.stats.bytesIn += chunk.length;
      this.decoder.push(chunk, receivedAtNs);
      this.stats.rejectedFrames = this.decoder.stats.rejected;
      this.stats.noiseBytes = this.decoder.stats.noiseBytes;
    });
    this.decoder = new OsdpFrameDecoder({
      onFrame: (frame) => this.onFrame(frame),
      onReject: (rejection) =>
        options.log.debug(
          () => `OSDP frame rejected on ${this.path}: ${rejection.reason} (${rejection.detail}) ${rejection.bytes.toString('hex')}`,
        ),
      // A pause of a few byte times (at least 20 ms) inside a frame means it was cut short.
      interByteTimeoutMs: Math.max(20, wireTimeMs(8, options.baudRate)),
    });
  }

  get baudRate(): number {
    return this.connection.baudRate;
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** Adds a PD to the line (before or after start). */
  attach(session: OsdpPdSession): void {
    if (this.sessions.some((s) => s.address === session.address)) {
      throw new Error(`address ${session.address} is already used on ${this.path}`);
    }
    this.sessions.push(session);
    if (this.isOpen) session.onPortUp();
    this.wake();
  }

  detach(session: OsdpPdSession): void {
    const index = this.sessions.indexOf(session);
    if (index >= 0) this.sessions.splice(index, 1);
    session.abort('the reader stopped');
  }

  get sessionCount(): number {
    return this.sessions.length;
  }

  /** Opens the port and starts polling. Resolves after the first open attempt (it then retries). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.decoder.stats.frames = 0;
    await this.connection.start();
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.finishWaiting(null);
    this.wake();
    await this.loopDone;
    for (const session of this.sessions) session.abort('the line stopped');
    await this.connection.stop();
  }

  /** Something was queued: look at the sessions again now. */
  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  /** Changes the line's speed before the next exchange (after a COMSET the PD accepted). */
  setBaudRate(baudRate: number): void {
    this.pendingBaud = baudRate;
    this.wake();
  }

  // ---------------------------------------------------------------- scheduling

  private async loop(): Promise<void> {
    const { log } = this.options;
    while (this.running) {
      try {
        if (!this.isOpen || this.sessions.length === 0) {
          await this.sleep(Infinity);
          continue;
        }
        if (this.pendingBaud !== null) await this.applyBaud();
        const now = Date.now();
        const picked = this.pick(now);
        if (!picked.session) {
          await this.sleep(picked.nextAt - now);
          continue;
        }
        const exchange = picked.session.prepare(now);
        if (!exchange) continue;
        const frame = await this.transact(exchange.bytes, exchange.address);
        if (!this.running) break;
        const done = Date.now();
        this.stats.exchanges += 1;
        if (frame) picked.session.onReply(frame.packet, frame.receivedAtNs, done);
        else {
          this.stats.noReply += 1;
          log.debug(() => `no reply from address ${exchange.address} to ${commandName(exchange.code)} on ${this.path}`);
          picked.session.onNoReply(done);
        }
        // Let whoever awaited a command's reply act (address or speed changes) before the next exchange.
        await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (err) {
        log.error(`OSDP line ${this.path}: ${(err as Error).stack ?? String(err)}`);
        await this.sleep(this.options.timing.pollIntervalMs);
      }
    }
  }

  private pick(now: number): { session: OsdpPdSession | null; nextAt: number } {
    const count = this.sessions.length;
    let nextAt = Infinity;
    for (let k = 0; k < count; k++) {
      const index = (this.roundRobin + k) % count;
      const session = this.sessions[index]!;
      const at = session.readyAt(now);
      if (at <= now) {
        this.roundRobin = (index + 1) % count;
        return { session, nextAt: now };
      }
      nextAt = Math.min(nextAt, at);
    }
    return { session: null, nextAt };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      this.wakeUp = done;
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, Math.ceil(ms)));
    });
  }

  private transact(bytes: Buffer, address: number): Promise<DecodedFrame | null> {
    if (!this.connection.isOpen) return Promise.resolve(null);
    this.decoder.reset();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let extended = false;
      const finish = (frame: DecodedFrame | null) => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (this.waiting?.resolve === finish) this.waiting = null;
        resolve(frame);
      };
      this.waiting = { address, resolve: finish };
      const { timing } = this.options;
      const onDeadline = () => {
        timer = null;
        const missing = this.decoder.missingBytes();
        // A reply under way when the time is up gets the wire time of its remaining bytes.
        if (!extended && missing !== null && missing > 0) {
          extended = true;
          timer = setTimeout(onDeadline, Math.ceil(wireTimeMs(missing, this.baudRate)) + 20);
          return;
        }
        this.decoder.resync();
        if (this.waiting?.resolve === finish) finish(null);
      };
      timer = setTimeout(onDeadline, Math.ceil(timing.replyTimeoutMs + wireTimeMs(bytes.length, this.baudRate)));
      this.stats.bytesOut += bytes.length;
      // A write the driver fails is logged by the connection; the reply then times out.
      if (!this.connection.write(bytes)) finish(null);
    });
  }

  private onFrame(frame: DecodedFrame): void {
    const waiting = this.waiting;
    const { packet } = frame;
    if (waiting && packet.reply && packet.address === waiting.address) {
      waiting.resolve(frame);
      return;
    }
    // Our own command echoed by a two-wire adapter, another PD's late reply, or a reply nobody waits for.
    this.stats.strayFrames += 1;
  }

  private finishWaiting(frame: DecodedFrame | null): void {
    this.waiting?.resolve(frame);
  }

  // ---------------------------------------------------------------- the port

  private onPortOpen(): void {
    const { log } = this.options;
    // The port works; a later loss starts again from the shortest delay.
    this.connection.resetBackoff();
    if (this.portFaulted) log.info(`OSDP line ${this.path} is back`);
    else log.info(`OSDP line ${this.path} open`, { baudRate: this.baudRate, readers: this.sessions.length });
    this.portFaulted = false;
    for (const session of this.sessions) session.onPortUp();
    this.emit('portUp');
    this.wake();
  }

  private async applyBaud(): Promise<void> {
    const baud = this.pendingBaud!;
    this.pendingBaud = null;
    if (baud === this.baudRate) return;
    try {
      await this.connection.updateBaudRate(baud);
      this.options.log.info(`OSDP line ${this.path} now at ${baud} baud`);
    } catch (err) {
      this.options.log.error(`cannot change ${this.path} to ${baud} baud: ${(err as Error).message}`);
    }
  }

  /** The port closed or could not be opened; the connection retries with backoff. */
  private onPortLost(code: PortFaultCode, message: string): void {
    this.finishWaiting(null);
    // Readers learn about the port first, so they report the port and not a silent reader.
    if (!this.portFaulted) {
      this.portFaulted = true;
      this.options.log.error(`OSDP line fault: ${message}; retrying in the background`, { code });
      this.emit('portDown', code, message);
    } else {
      this.options.log.debug(() => `OSDP line ${this.path} still down: ${message}`);
    }
    for (const session of this.sessions) session.onPortDown();
  }
}
