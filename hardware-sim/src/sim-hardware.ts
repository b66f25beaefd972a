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

export interface SimReaderSpec {
  id: string;
  door: string;
  direction: ReaderDirection;
  type: 'rdm6300';
  /** Serial path the agent opens through `serialBinding`. */
  path: string;
}

export interface SimHardwareSpec {
  readers: SimReaderSpec[];
  doors: SimDoorSpec[];
}

export interface SimReaderDevice {
  spec: SimReaderSpec;
  device: SimRdm6300;
}

export class SimHardware {
  readonly serialBinding = new SimSerialBinding();
  readonly gpio = new SimGpio();
  readonly readers: ReadonlyMap<string, SimReaderDevice>;
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

  /**
   * Presents an EM4100 card at the door's reader for `direction`. Resolves when the
   * frame has been transmitted; false when the agent did not have the port open.
   */
  async badge(doorId: string, tag: number, direction: ReaderDirection = 'in', options?: PresentOptions): Promise<boolean> {
    const reader = this.readerAt(doorId, direction);
    if (!reader) throw new Error(`door ${doorId} has no simulated '${direction}' reader`);
    return reader.device.present(tag, options);
  }

  lockReleases(doorId: string): LockRelease[] {
    return this.door(doorId).lockReleases();
  }

  async close(): Promise<void> {
    await this.gpio.close();
  }
}

export function createSimHardware(spec: SimHardwareSpec): SimHardware {
  return new SimHardware(spec);
}
