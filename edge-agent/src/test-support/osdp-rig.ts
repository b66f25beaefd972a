/**
 * Test rig: a control panel (OsdpBus + OsdpReaders) and simulated PDs on one line, over
 * a real pseudo-terminal pair (socat, the operating system's serial driver) or the
 * simulator's in-process port. Not part of the agent's runtime.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtyPair, SimOsdpLine, SimOsdpPd, SimSerialBinding, type SimOsdpPdOptions } from '@acs/hardware-sim';
import type { CardRead, KeypadEntry, ReaderAlert, ReaderFault } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';
import { OsdpBus } from '../readers/osdp/osdp-bus.js';
import { OsdpReader } from '../readers/osdp/osdp-reader.js';
import { osdpTiming, type OsdpTiming } from '../readers/osdp/osdp-timing.js';
import { MemoryReaderSettingsStore } from '../readers/reader-settings-store.js';
import { systemSerialBinding } from '../hardware/system-serial.js';
import { captureLogger, type CapturedLog } from './fixtures.js';

export interface RigReaderSpec {
  id: string;
  address: number;
  secureChannel?: boolean;
  /** The simulated PD (its key, identity...); address defaults to the reader's. */
  pd?: Partial<SimOsdpPdOptions>;
}

export interface RigOptions {
  transport: 'pty' | 'in-process';
  baudRate?: number;
  readers: RigReaderSpec[];
  timing?: Partial<OsdpTiming>;
  /** Shared settings store (keys); a fresh in-memory one by default. */
  store?: MemoryReaderSettingsStore;
  paceAtBaud?: boolean;
  log?: CapturedLog;
}

/** Fast timing for tests: the behaviour of the defaults, in less time. */
export const TEST_TIMING: Partial<OsdpTiming> = {
  replyTimeoutMs: 250,
  pollIntervalMs: 20,
  retryDelayMs: 60,
  maxRetries: 4,
  offlineAfterMs: 2000,
  offlineProbeMs: 150,
  busyRetryMs: 20,
  handshakeRetryMs: 300,
  keyInstallTimeoutMs: 3000,
};

export interface CollectedEvents {
  cards: CardRead[];
  keypad: KeypadEntry[];
  faults: ReaderFault[];
  recovered: string[];
  alerts: ReaderAlert[];
}

export class OsdpRig {
  readonly events: CollectedEvents = { cards: [], keypad: [], faults: [], recovered: [], alerts: [] };

  private constructor(
    readonly bus: OsdpBus,
    readonly readers: Map<string, OsdpReader>,
    readonly line: SimOsdpLine,
    readonly pds: Map<string, SimOsdpPd>,
    readonly store: MemoryReaderSettingsStore,
    readonly log: CapturedLog,
    /** The in-process binding (transport `in-process`), to unplug the line. */
    readonly simBinding: SimSerialBinding | null,
    private readonly cleanup: () => Promise<void>,
  ) {
    for (const reader of readers.values()) {
      reader.on('card', (read) => this.events.cards.push(read));
      reader.on('keypad', (entry) => this.events.keypad.push(entry));
      reader.on('fault', (fault) => this.events.faults.push(fault));
      reader.on('recovered', (id) => this.events.recovered.push(id));
      reader.on('alert', (alert) => this.events.alerts.push(alert));
    }
  }

  static async create(options: RigOptions): Promise<OsdpRig> {
    const baudRate = options.baudRate ?? 115200;
    const log = options.log ?? captureLogger();
    const store = options.store ?? new MemoryReaderSettingsStore();
    const timing = osdpTiming({ ...TEST_TIMING, ...options.timing });
    const line = new SimOsdpLine({ baudRate, paceAtBaud: options.paceAtBaud ?? true });
    const pds = new Map<string, SimOsdpPd>();
    for (const spec of options.readers) pds.set(spec.id, line.add(new SimOsdpPd({ address: spec.address, ...spec.pd })));

    let binding: BindingInterface;
    let path: string;
    let pty: { pair: PtyPair; dir: string } | null = null;
    let simBinding: SimSerialBinding | null = null;
    if (options.transport === 'pty') {
      const dir = await mkdtemp(join(tmpdir(), 'acs-osdp-pty-'));
      pty = { pair: await PtyPair.create({ dir, name: 'rs485', baudRate }), dir };
      binding = await systemSerialBinding();
      path = pty.pair.hostPath;
      line.connect(pty.pair.device);
    } else {
      const sim = new SimSerialBinding();
      path = 'sim/osdp-line';
      line.connect(sim.createPort(path));
      binding = sim;
      simBinding = sim;
    }
    const bus = new OsdpBus({ path, baudRate, binding, timing, log: log.logger.child('osdp'), backoff: { initialMs: 50, maxMs: 200 } });
    const readers = new Map<string, OsdpReader>();
    for (const spec of options.readers) {
      const reader = new OsdpReader({
        id: spec.id,
        address: spec.address,
        secureChannel: spec.secureChannel ?? false,
        bus,
        timing,
        log: log.logger.child(`reader:${spec.id}`),
      });
      reader.useSettingsStore(store);
      readers.set(spec.id, reader);
    }
    const cleanup = async () => {
      await Promise.all([...readers.values()].map((r) => r.stop()));
      await bus.stop();
      await line.close();
      if (pty) {
        await pty.pair.close();
        await rm(pty.dir, { recursive: true, force: true });
      }
    };
    return new OsdpRig(bus, readers, line, pds, store, log, simBinding, cleanup);
  }

  reader(id: string): OsdpReader {
    const reader = this.readers.get(id);
    if (!reader) throw new Error(`no reader ${id}`);
    return reader;
  }

  pd(id: string): SimOsdpPd {
    const pd = this.pds.get(id);
    if (!pd) throw new Error(`no PD ${id}`);
    return pd;
  }

  async start(): Promise<void> {
    await Promise.all([...this.readers.values()].map((r) => r.start()));
  }

  async close(): Promise<void> {
    await this.cleanup();
    if (process.env.ACS_TEST_VERBOSE) for (const line of this.log.lines) console.error(line);
  }
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function eventually<T>(check: () => T | null | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type { Logger };
