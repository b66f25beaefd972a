/**
 * A whole site's worth of simulated hardware for one agent: readers on simulated serial
 * ports (RDM6300, keyboard-wedge line readers, PN532, OSDP readers sharing an RS-485
 * line) and on simulated GPIO (Wiegand), lock relays, door contacts and exit buttons on
 * simulated GPIO.
 *
 * The spec is structural (derived from the agent configuration by the agent) so this
 * package never imports the agent. The agent opens the reader ports through
 * `serialBinding` with its real reader code and drives `gpio` as it would drive a
 * Raspberry Pi's lines. Each reader type is one case of `SimReaderSpec`.
 */
import type { ReaderDirection } from '@acs/shared/access/model';
import type { WiegandFormat } from '@acs/shared/credentials/wiegand';
import { SimDoor, type LockRelease, type SimDoorSpec } from './door/sim-door.js';
import { SimGpio } from './gpio/sim-gpio.js';
import { presentationFor, type PresentationOptions } from './readers/sim-card.js';
import { SimLineReader } from './readers/sim-line-reader.js';
import { SimPn532 } from './readers/sim-pn532.js';
import { SimRdm6300, type PresentOptions } from './readers/sim-rdm6300.js';
import { SimWiegandTransmitter, type WiegandTiming } from './readers/sim-wiegand.js';
import { SimSerialBinding } from './serial/sim-serial-binding.js';
import { SimOsdpLine } from './osdp/sim-osdp-line.js';
import { SimOsdpPd } from './osdp/sim-osdp-pd.js';

interface SimReaderCommon {
  id: string;
  door: string;
  direction: ReaderDirection;
}

/** How a simulated line reader writes a card number. */
export type SimLineFormat =
  | { type: 'em4100-decimal' }
  | { type: 'wiegand-fc-cn'; wiegandFormat: WiegandFormat }
  | { type: 'hex-uid' }
  /** A QR scanner: the visitor's invitation (`ACSV1:<token>`, or given as `qr:<token>`). */
  | { type: 'qr-invitation' }
  /** The text is sent as given (for readers configured with a site's own pattern). */
  | { type: 'verbatim' };

export type SimReaderSpec =
  /** Serial path the agent opens through `serialBinding`. */
  | (SimReaderCommon & { type: 'rdm6300'; path: string })
  | (SimReaderCommon & { type: 'line'; path: string; lineFormat: SimLineFormat })
  | (SimReaderCommon & { type: 'pn532'; path: string })
  /** GPIO lines of `gpio`; cards are sent in `format`. */
  | (SimReaderCommon & { type: 'wiegand'; d0Line: number; d1Line: number; format: WiegandFormat; timing?: WiegandTiming })
  /**
   * One OSDP reader at `address` on the RS-485 line at `path`: readers with the same path
   * share one line (and must agree on its baud rate). Cards go out as RAW Wiegand data in
   * `format`. The reader starts in factory state (no key of its own).
   */
  | (SimReaderCommon & { type: 'osdp'; path: string; baudRate: number; address: number; format: WiegandFormat });

export type SimReaderType = SimReaderSpec['type'];

export type SimReaderDevice =
  | { spec: Extract<SimReaderSpec, { type: 'rdm6300' }>; device: SimRdm6300 }
  | { spec: Extract<SimReaderSpec, { type: 'line' }>; device: SimLineReader }
  | { spec: Extract<SimReaderSpec, { type: 'pn532' }>; device: SimPn532 }
  | { spec: Extract<SimReaderSpec, { type: 'wiegand' }>; device: SimWiegandTransmitter }
  | { spec: Extract<SimReaderSpec, { type: 'osdp' }>; device: SimOsdpPd; line: SimOsdpLine };

export interface SimHardwareSpec {
  readers: SimReaderSpec[];
  doors: SimDoorSpec[];
}

/** Trouble at a reader: its cable pulled out and put back, its tamper switch opened and closed. */
export const READER_ACTIONS = ['unplug', 'replug', 'tamper', 'untamper'] as const;
export type ReaderAction = (typeof READER_ACTIONS)[number];

/** The reader cannot do that (a Wiegand reader has no connector to pull, an EM reader no tamper switch). */
export class SimReaderActionError extends Error {}

export interface SimPresentResult {
  display: string;
  delivered: boolean;
}

export class SimHardware {
  readonly serialBinding = new SimSerialBinding();
  readonly gpio = new SimGpio();
  readonly readers: ReadonlyMap<string, SimReaderDevice>;
  /** OSDP lines by serial path. */
  private readonly osdpLines = new Map<string, SimOsdpLine>();
  private readonly doors: ReadonlyMap<string, SimDoor>;

  constructor(readonly spec: SimHardwareSpec) {
    const readers = new Map<string, SimReaderDevice>();
    for (const reader of spec.readers) {
      if (readers.has(reader.id)) throw new Error(`duplicate simulated reader id ${reader.id}`);
      readers.set(reader.id, this.createDevice(reader));
    }
    const doors = new Map<string, SimDoor>();
    for (const door of spec.doors) {
      if (doors.has(door.id)) throw new Error(`duplicate simulated door id ${door.id}`);
      doors.set(door.id, new SimDoor(this.gpio, door));
    }
    this.readers = readers;
    this.doors = doors;
  }

  doorIds(): string[] {
    return [...this.doors.keys()];
  }

  hasDoor(doorId: string): boolean {
    return this.doors.has(doorId);
  }

  door(doorId: string): SimDoor {
    const door = this.doors.get(doorId);
    if (!door) throw new Error(`unknown simulated door ${doorId} (known: ${this.doorIds().join(', ') || 'none'})`);
    return door;
  }

  /** The reader facing `direction` on `doorId`, if there is one. */
  readerAt(doorId: string, direction: ReaderDirection): SimReaderDevice | undefined {
    for (const reader of this.readers.values()) {
      if (reader.spec.door === doorId && reader.spec.direction === direction) return reader;
    }
    return undefined;
  }

  /** The simulated OSDP reader `readerId`: its PD (key store, LED and buzzer, faults on demand). */
  osdpReader(readerId: string): SimOsdpPd {
    const reader = this.readers.get(readerId);
    if (reader?.spec.type !== 'osdp') throw new Error(`no simulated OSDP reader ${readerId}`);
    return (reader as Extract<SimReaderDevice, { spec: { type: 'osdp' } }>).device;
  }

  /**
   * Presents an EM4100 card at the door's reader for `direction` (an RDM6300, or a line
   * reader typing 10-digit numbers). Resolves when the card has been transmitted; false
   * when the agent did not have the port open.
   */
  async badge(doorId: string, tag: number, direction: ReaderDirection = 'in', options?: PresentOptions): Promise<boolean> {
    const reader = this.readerAt(doorId, direction);
    if (!reader) throw new Error(`door ${doorId} has no simulated '${direction}' reader`);
    if (reader.spec.type === 'rdm6300') return (reader.device as SimRdm6300).present(tag, options);
    return (await this.present(doorId, String(tag), direction)).delivered;
  }

  /**
   * Presents `card` (as people type it: `3887558`, `123:4567`, `04a1b2c3`) at the door's
   * reader, the way that reader reports it. Throws `SimCardError` when the card cannot
   * come from that kind of reader.
   */
  async present(
    doorId: string,
    card: string,
    direction: ReaderDirection = 'in',
    options: PresentationOptions = {},
  ): Promise<SimPresentResult> {
    const reader = this.readerAt(doorId, direction);
    if (!reader) throw new Error(`door ${doorId} has no simulated '${direction}' reader`);
    const presentation = presentationFor(reader, card, options);
    return { display: presentation.display, delivered: await presentation.present() };
  }

  /**
   * Trouble at the door's reader for `direction`. Unplugging an OSDP reader pulls its
   * RS-485 line, so every reader on that line goes with it; tamper switches are an OSDP
   * reader's (reported as osdp_LSTATR). Returns what happened, for people.
   */
  troubleAt(doorId: string, direction: ReaderDirection, action: ReaderAction): string {
    const reader = this.readerAt(doorId, direction);
    if (!reader) throw new SimReaderActionError(`door ${doorId} has no simulated '${direction}' reader`);
    const { id, type } = reader.spec;
    if (action === 'tamper' || action === 'untamper') {
      if (reader.spec.type !== 'osdp')
        throw new SimReaderActionError(`reader ${id} (${type}) has no tamper switch; OSDP readers report one`);
      this.osdpReader(id).setTamper(action === 'tamper');
      return `reader ${id}: tamper switch ${action === 'tamper' ? 'open' : 'closed'}`;
    }
    if (reader.spec.type === 'wiegand')
      throw new SimReaderActionError(`reader ${id} is wired to GPIO lines: there is no cable to ${action}`);
    if (action === 'unplug') this.serialBinding.unplug(reader.spec.path);
    else this.serialBinding.replug(reader.spec.path);
    const shared = [...this.readers.values()]
      .filter((r) => r.spec.type !== 'wiegand' && r.spec.path === (reader.spec as { path: string }).path)
      .map((r) => r.spec.id);
    return `${reader.spec.path} ${action === 'unplug' ? 'unplugged' : 'plugged in again'} (${shared.join(', ')})`;
  }

  /** Whether the agent has the reader's transport open (Wiegand lines are always wired). */
  readerConnected(reader: SimReaderDevice): boolean {
    switch (reader.spec.type) {
      case 'wiegand':
        return true;
      case 'osdp':
        return (reader as Extract<SimReaderDevice, { spec: { type: 'osdp' } }>).line.hostConnected;
      default:
        return (reader.device as { device: { hostConnected: boolean } }).device.hostConnected;
    }
  }

  lockReleases(doorId: string): LockRelease[] {
    return this.door(doorId).lockReleases();
  }

  async close(): Promise<void> {
    for (const reader of this.readers.values()) if (reader.spec.type === 'pn532') (reader.device as SimPn532).close();
    await Promise.all([...this.osdpLines.values()].map((line) => line.close()));
    await this.gpio.close();
  }

  private createDevice(spec: SimReaderSpec): SimReaderDevice {
    switch (spec.type) {
      case 'rdm6300':
        return { spec, device: new SimRdm6300(this.serialBinding.createPort(spec.path)) };
      case 'line':
        return { spec, device: new SimLineReader(this.serialBinding.createPort(spec.path)) };
      case 'pn532':
        return { spec, device: new SimPn532(this.serialBinding.createPort(spec.path)) };
      case 'wiegand':
        return {
          spec,
          device: new SimWiegandTransmitter(this.gpio, {
            d0Line: spec.d0Line,
            d1Line: spec.d1Line,
            ...(spec.timing ? { timing: spec.timing } : {}),
          }),
        };
      case 'osdp': {
        const line = this.osdpLine(spec.path, spec.baudRate);
        return { spec, device: line.add(new SimOsdpPd({ address: spec.address })), line };
      }
    }
  }

  /** The line at `path`, created with its port on first use. */
  private osdpLine(path: string, baudRate: number): SimOsdpLine {
    let line = this.osdpLines.get(path);
    if (!line) {
      line = new SimOsdpLine({ baudRate });
      line.connect(this.serialBinding.createPort(path));
      this.osdpLines.set(path, line);
    } else if (line.baudRate !== baudRate) {
      throw new Error(`simulated OSDP line ${path} runs at ${line.baudRate} baud, not ${baudRate}`);
    }
    return line;
  }
}

export function createSimHardware(spec: SimHardwareSpec): SimHardware {
  return new SimHardware(spec);
}
