/**
 * Builds the agent's hardware from its configuration, in one place: business logic never
 * asks whether it runs on a Raspberry Pi. The simulator package is loaded only when the
 * configuration asks for simulated parts.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { CardReader, GpioProvider } from '@acs/shared/hardware/interfaces';
import type { SimHardware, SimHardwareSpec } from '@acs/hardware-sim';
import type { AgentConfig } from '../config/agent-config.js';
import type { Logger } from '../log/logger.js';
import { Rdm6300Reader } from '../readers/rdm6300-reader.js';
import { OsdpBus } from '../readers/osdp/osdp-bus.js';
import { OsdpReader } from '../readers/osdp/osdp-reader.js';
import { osdpTiming } from '../readers/osdp/osdp-timing.js';
import type { AgentHardware } from './agent-hardware.js';
import { OnoffGpioProvider } from './onoff-gpio.js';
import { systemSerialBinding } from './system-serial.js';

/** The simulated parts of a configuration, in the simulator's own terms. */
export function simSpecFromConfig(config: AgentConfig): SimHardwareSpec {
  return {
    readers: config.readers.flatMap((r) =>
      r.type === 'rdm6300' && r.serial.driver === 'sim' ? [{ id: r.id, door: r.door, direction: r.direction, type: r.type, path: r.serial.path }] : [],
    ),
    osdpLines: config.readers.flatMap((r) =>
      r.type === 'osdp' && r.serial.driver === 'sim'
        ? [{ path: r.serial.path, baudRate: r.serial.baudRate, devices: r.devices.map((d) => ({ id: d.id, door: d.door, direction: d.direction, address: d.address })) }]
        : [],
    ),
    doors:
      config.gpio.provider === 'sim'
        ? config.doors.map((d) => ({
            id: d.id,
            lock: { line: d.lock.line, activeLow: d.lock.activeLow },
            ...(d.contact ? { contact: { line: d.contact.line, openLevel: d.contact.openLevel } } : {}),
            ...(d.exitButton ? { exitButton: { line: d.exitButton.line, pressedLevel: d.exitButton.pressedLevel } } : {}),
          }))
        : [],
  };
}

export function usesSimulation(config: AgentConfig): boolean {
  return config.gpio.provider === 'sim' || config.readers.some((r) => r.serial.driver === 'sim');
}

export class HardwareFactory {
  /**
   * Readers and GPIO for `config`. Pass `sim` to reuse simulated hardware a test built
   * itself; otherwise one is created when the configuration asks for simulation.
   */
  static async create(config: AgentConfig, options: { log: Logger; sim?: SimHardware }): Promise<AgentHardware> {
    const { log } = options;
    let sim = options.sim;
    if (!sim && usesSimulation(config)) {
      const { createSimHardware } = await import('@acs/hardware-sim');
      sim = createSimHardware(simSpecFromConfig(config));
      log.info('using simulated hardware', { readers: sim.readers.size, doors: sim.doorIds().length });
    }

    const readers: CardReader[] = [];
    for (const reader of config.readers) {
      let binding: BindingInterface;
      if (reader.serial.driver === 'sim') {
        if (!sim) throw new Error(`reader ${reader.id} asks for a simulated port but no simulator is present`);
        binding = sim.serialBinding;
      } else {
        binding = await systemSerialBinding();
      }
      if (reader.type === 'osdp') {
        const timing = osdpTiming(stripUndefined(reader.timing));
        const bus = new OsdpBus({ path: reader.serial.path, baudRate: reader.serial.baudRate, binding, timing, log: log.child(`osdp:${reader.id}`) });
        for (const device of reader.devices) {
          readers.push(
            new OsdpReader({
              id: device.id,
              address: device.address,
              secureChannel: device.secureChannel,
              useChecksum: device.checksum,
              bus,
              timing,
              log: log.child(`reader:${device.id}`),
            }),
          );
        }
        continue;
      }
      readers.push(
        new Rdm6300Reader({
          id: reader.id,
          path: reader.serial.path,
          baudRate: reader.serial.baudRate,
          binding,
          debounceMs: reader.debounceMs,
          log: log.child(`reader:${reader.id}`),
        }),
      );
    }

    let gpio: GpioProvider;
    if (config.gpio.provider === 'sim') {
      if (!sim) throw new Error('gpio.provider is sim but no simulator is present');
      gpio = sim.gpio;
    } else {
      gpio = await OnoffGpioProvider.create({
        sysfsRoot: config.gpio.sysfsRoot,
        ...(config.gpio.chipLabel !== undefined ? { chipLabel: config.gpio.chipLabel } : {}),
        log: log.child('gpio'),
      });
    }

    return {
      readers,
      gpio,
      ...(sim ? { sim } : {}),
      close: async () => {
        await gpio.close();
        if (sim && sim.gpio !== gpio) await sim.close();
      },
    };
  }
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
