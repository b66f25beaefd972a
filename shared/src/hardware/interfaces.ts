/**
 * The edge agent talks to hardware only through these interfaces. Real drivers
 * (serialport, onoff) and the simulator in `hardware-sim` implement the same ones, so
 * business logic never asks whether it runs on a Raspberry Pi.
 */
import type { EventEmitter } from 'node:events';

/** A logic level on a GPIO line. */
export type Level = 0 | 1;

/** One card presentation, decoded to a canonical credential (see `credentials/credential`). */
export interface CardRead {
  /** Reader id from the agent configuration. */
  readerId: string;
  /** Canonical credential string, e.g. `em4100:3887558`. */
  credential: string;
  /**
   * `process.hrtime.bigint()` when the last byte or pulse of the frame arrived. The
   * agent's latency budget (last byte in → relay command out) is measured from here.
   */
  receivedAtNs: bigint;
}

export interface ReaderFault {
  readerId: string;
  /** Stable code: `port_closed`, `port_open_failed`, `no_response`, ... */
  code: string;
  message: string;
}

/** Keys typed on a reader's keypad (for card + PIN), as typed: digits, `*` and `#`. */
export interface KeypadEntry {
  readerId: string;
  keys: string;
  receivedAtNs: bigint;
}

/**
 * Something about a reader that people must look at, though it may still work (or
 * work again by itself): `reader_key_reset`, an OSDP reader that had its own key
 * answering with the default one; `tamper`, its enclosure opened or torn off the wall
 * (OSDP local status). Reported as a device event of that type.
 */
export interface ReaderAlert {
  readerId: string;
  type: 'reader_key_reset' | 'tamper';
  detail: string;
}

export interface CardReaderEvents {
  /** A complete, checksum-valid, debounced card read. */
  card: [read: CardRead];
  /** The reader stopped working (port lost, open failed). The reader keeps retrying. */
  fault: [fault: ReaderFault];
  /** The reader works again after a fault. */
  recovered: [readerId: string];
  /** Keypad input (readers with a keypad). */
  keypad: [entry: KeypadEntry];
  /** See {@link ReaderAlert}. */
  alert: [alert: ReaderAlert];
  /** What the reader reports about itself changed (identity, secure channel, online). */
  changed: [readerId: string];
}

/**
 * A badge reader. Implementations resynchronise on noise, reject bad checksums and
 * debounce a card held at the reader before emitting `card`.
 */
export interface CardReader extends EventEmitter<CardReaderEvents> {
  readonly id: string;
  /** Opens the transport. Resolves once reading has started or the first open attempt failed (it then retries). */
  start(): Promise<void>;
  /** Closes the transport and stops retrying. */
  stop(): Promise<void>;
  /**
   * Reader feedback (LED/buzzer) where the hardware has it; a no-op otherwise.
   * Never awaited on the decision path.
   */
  signal?(outcome: 'grant' | 'deny'): void;
  /** Lockdown indication (e.g. a flashing red LED) where the hardware has it. Never awaited. */
  indicateLockdown?(active: boolean): void;
}

/** An output line, e.g. a lock relay or a reader LED. */
export interface GpioOutput {
  /** Drives the line. Synchronous: a relay command must not wait for the event loop. */
  write(level: Level): void;
  /** The level last written. */
  read(): Level;
  close(): void;
}

export type InputListener = (level: Level, atNs: bigint) => void;

/** An input line, e.g. a door contact or a request-to-exit button. */
export interface GpioInput {
  read(): Level;
  /** Called on each change after debouncing. */
  watch(listener: InputListener): void;
  unwatchAll(): void;
  close(): void;
}

/** Which changes of an input line are reported. */
export type GpioEdge = 'rising' | 'falling' | 'both';

export interface GpioInputOptions {
  /** Changes shorter than this are ignored (contacts bounce). 0 disables debouncing. */
  debounceMs: number;
  /**
   * Which changes to report; default `both`. Wiegand lines watch `rising` only: the end
   * of each active-low pulse, because sysfs reads the level after the interrupt and a
   * 50 µs pulse is over by then (docs/hardware.md#wiegand-on-sysfs).
   */
  edge?: GpioEdge;
}

/**
 * Access to GPIO lines by their BCM number. Providers translate to whatever the
 * kernel needs (sysfs with a run-time base offset, the character device, a simulator).
 */
export interface GpioProvider {
  output(line: number, initial: Level): GpioOutput;
  input(line: number, options: GpioInputOptions): GpioInput;
  close(): Promise<void>;
}
