/**
 * A whole site's worth of simulated hardware for one agent: readers on simulated
 * serial ports, lock relays, door contacts and exit buttons on simulated GPIO.
 *
 * The spec is structural (derived from the agent configuration by the agent) so this
 * package never imports the agent. The agent opens the reader ports through
 * `serialBinding` with its real RDM6300 reader code and drives `gpio` as it would
 * drive a Raspberry Pi's lines.
 */
import type { ReaderDirection } from '@acs/shared/access/model';
import { SimDoor, type LockRelease, type SimDoorSpec } from './door/sim-door.js';
import { SimGpio } from './gpio/sim-gpio.js';
import { SimRdm6300, type PresentOptions } from './readers/sim-rdm6300.js';
import { SimSerialBinding } from './serial/sim-serial-binding.js';
import { SimOsdpLine } from './osdp/sim-osdp-line.js';
import { SimOsdpPd } from './osdp/sim-osdp-pd.js';

export interface SimReaderSpec {
  id: string;
  door: string;
  direction: ReaderDirection;
  type: 'rdm6300';
  /** Serial path the agent opens through `serialBinding`. */
  path: string;
}

/** An RS-485 line with simulated OSDP readers, on an in-process port the agent opens by `path`. */
export interface SimOsdpLineSpec {
  path: string;
  baudRate: number;
  devices: Array<{ id: string; door: string; direction: ReaderDirection; address: number }>;
}

export interface SimHardwareSpec {
  readers: SimReaderSpec[];
  doors: SimDoorSpec[];
  osdpLines?: SimOsdpLineSpec[];
}

export interface SimOsdpReaderDevice {
  id: string;
  door: string;
  direction: ReaderDirection;
  line: SimOsdpLine;
  pd: SimOsdpPd;
}

export interface SimReaderDevice {
  spec: SimReaderSpec;
  device: SimRdm6300;
}

export class SimHardware {
  readonly serialBinding = new SimSerialBinding();
  readonly gpio = new SimGpio();
  readonly readers: ReadonlyMap<string, SimReaderDevice>;
  /** Simulated OSDP readers (factory state: no key of their own), by reader id. */
  readonly osdpReaders: ReadonlyMap<string, SimOsdpReaderDevice>;
  private readonly doors: ReadonlyMap<string, SimDoor>;

  constructor(readonly spec: SimHardwareSpec) {
    const readers = new Map<string, SimReaderDevice>();
    for (const reader of spec.readers) {
      if (readers.has(reader.id)) throw new Error(`duplicate simulated reader id ${reader.id}`);
      readers.set(reader.id, { spec: reader, device: new SimRdm6300(this.serialBinding.createPort(reader.path)) });
    }
    const doors = new Map<string, SimDoor>();
    for (const door of spec.doors) {
      if (doors.has(door.id)) throw new Error(`duplicate simulated door id ${door.id}`);
      doors.set(door.id, new SimDoor(this.gpio, door));
    }
    const osdpReaders = new Map<string, SimOsdpReaderDevice>();
    for (const lineSpec of spec.osdpLines ?? []) {
      this.serialBinding.createPort(lineSpec.path, { recordHostWrites: false });
      const line = new SimOsdpLine({ baudRate: lineSpec.baudRate });
      line.connectInProcess(this.serialBinding, lineSpec.path);
      for (const device of lineSpec.devices) {
        if (readers.has(device.id) || osdpReaders.has(device.id)) throw new Error(`duplicate simulated reader id ${device.id}`);
        const pd = line.add(new SimOsdpPd({ address: device.address }));
        osdpReaders.set(device.id, { id: device.id, door: device.door, direction: device.direction, line, pd });
      }
    }
    this.readers = readers;
    this.osdpReaders = osdpReaders;
    this.doors = doors;
  }

  /** The simulated OSDP reader facing `direction` on `doorId`, if there is one. */
  osdpReaderAt(doorId: string, direction: ReaderDirection): SimOsdpReaderDevice | undefined {
    for (const reader of this.osdpReaders.values()) if (reader.door === doorId && reader.direction === direction) return reader;
    return undefined;
  }

  /** Presents a 26-bit H10301 card at the door's OSDP reader; it travels on the reader's next POLL reply. */
  badgeWiegand(doorId: string, facility: number, card: number, direction: ReaderDirection = 'in'): void {
    const reader = this.osdpReaderAt(doorId, direction);
    if (!reader) throw new Error(`door ${doorId} has no simulated OSDP '${direction}' reader`);
    reader.pd.presentH10301(facility, card);
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

  /**
   * Presents an EM4100 card at the door's reader for `direction`. Resolves when the
   * frame has been transmitted; false when the agent did not have the port open.
   */
  async badge(doorId: string, tag: number, direction: ReaderDirection = 'in', options?: PresentOptions): Promise<boolean> {
    const reader = this.readerAt(doorId, direction);
    if (!reader) {
      if (this.osdpReaderAt(doorId, direction)) {
        throw new Error(`the '${direction}' reader of door ${doorId} is an OSDP reader: present a Wiegand card with badgeWiegand()`);
      }
      throw new Error(`door ${doorId} has no simulated '${direction}' reader`);
    }
    return reader.device.present(tag, options);
  }

  lockReleases(doorId: string): LockRelease[] {
    return this.door(doorId).lockReleases();
  }

  async close(): Promise<void> {
    const lines = new Set([...this.osdpReaders.values()].map((r) => r.line));
    await Promise.all([...lines].map((line) => line.close()));
    await this.gpio.close();
  }
}

export function createSimHardware(spec: SimHardwareSpec): SimHardware {
  return new SimHardware(spec);
}
