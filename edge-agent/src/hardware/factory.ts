/**
 * Builds the agent's hardware from its configuration, in one place: business logic never
 * asks whether it runs on a Raspberry Pi. The simulator package is loaded only when the
 * configuration asks for simulated parts. Each reader type is one case of `buildReaders`
 * (an OSDP line is one entry that gives several readers).
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { CardReader, GpioProvider } from '@acs/shared/hardware/interfaces';
import type { SimHardware, SimHardwareSpec, SimLineFormat, SimReaderSpec } from '@acs/hardware-sim';
import { isSerialReader, type AgentConfig, type ReaderConfig, type SerialReaderConfig } from '../config/agent-config.js';
import type { Logger } from '../log/logger.js';
import { LineReader } from '../readers/line-reader.js';
import { OsdpBus } from '../readers/osdp/osdp-bus.js';
import { OsdpReader } from '../readers/osdp/osdp-reader.js';
import { osdpTiming } from '../readers/osdp/osdp-timing.js';
import { Pn532Reader } from '../readers/pn532-reader.js';
import { Rdm6300Reader } from '../readers/rdm6300-reader.js';
import { ReaderFeedback } from '../readers/reader-feedback.js';
import { WiegandReader } from '../readers/wiegand-reader.js';
import type { AgentHardware } from './agent-hardware.js';
import { OnoffGpioProvider } from './onoff-gpio.js';
import { loadSimulator } from './simulator.js';
import { systemSerialBinding } from './system-serial.js';

/** Whether the simulator provides this reader's transport. */
function isSimulated(reader: ReaderConfig, config: AgentConfig): boolean {
  return isSerialReader(reader) ? reader.serial.driver === 'sim' : config.gpio.provider === 'sim';
}

/** The simulated readers of one entry (an OSDP line: one per device, all on the line's path). */
function simReaderSpecs(reader: ReaderConfig): SimReaderSpec[] {
  if (reader.type === 'osdp') {
    return reader.devices.map((device) => ({
      id: device.id,
      door: device.door,
      direction: device.direction,
      type: 'osdp',
      path: reader.serial.path,
      baudRate: reader.serial.baudRate,
      address: device.address,
      format: (device.wiegandFormats ?? reader.wiegandFormats)[0]!,
    }));
  }
  return [simReaderSpec(reader)];
}

function simReaderSpec(reader: Exclude<ReaderConfig, { type: 'osdp' }>): SimReaderSpec {
  const common = { id: reader.id, door: reader.door, direction: reader.direction };
  switch (reader.type) {
    case 'rdm6300':
      return { ...common, type: 'rdm6300', path: reader.serial.path };
    case 'line': {
      const format = reader.format;
      const lineFormat: SimLineFormat =
        format.type === 'wiegand-fc-cn'
          ? { type: 'wiegand-fc-cn', wiegandFormat: format.wiegandFormat }
          : format.type === 'regex'
            ? { type: 'verbatim' }
            : { type: format.type };
      return { ...common, type: 'line', path: reader.serial.path, lineFormat };
    }
    case 'pn532':
      return { ...common, type: 'pn532', path: reader.serial.path };
    case 'wiegand':
      return {
        ...common,
        type: 'wiegand',
        d0Line: reader.wiegand.d0Line,
        d1Line: reader.wiegand.d1Line,
        format: reader.wiegand.formats[0]!,
      };
  }
}

/** The simulated parts of a configuration, in the simulator's own terms. */
export function simSpecFromConfig(config: AgentConfig): SimHardwareSpec {
  return {
    readers: config.readers.filter((r) => isSimulated(r, config)).flatMap(simReaderSpecs),
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
  return config.gpio.provider === 'sim' || config.readers.some((r) => isSerialReader(r) && r.serial.driver === 'sim');
}

/** The simulated parts a configuration names, for a message. */
function simulatedParts(config: AgentConfig): string {
  const parts = config.readers
    .filter((r) => isSerialReader(r) && r.serial.driver === 'sim')
    .map((r) => `reader ${r.id} (serial.driver: sim)`);
  if (config.gpio.provider === 'sim') parts.push('gpio.provider: sim');
  return `the configuration's ${parts.join(', ')}`;
}

interface ReaderBuildContext {
  gpio: GpioProvider;
  binding(reader: SerialReaderConfig): Promise<BindingInterface>;
  log: Logger;
}

/** The readers of one `readers` entry: one, or an OSDP line's readers sharing its bus. */
export async function buildReaders(reader: ReaderConfig, context: ReaderBuildContext): Promise<CardReader[]> {
  if (reader.type !== 'osdp') return [await buildReader(reader, context)];
  const timing = osdpTiming(stripUndefined(reader.timing));
  const bus = new OsdpBus({
    path: reader.serial.path,
    baudRate: reader.serial.baudRate,
    binding: await context.binding(reader),
    timing,
    log: context.log.child(`osdp:${reader.id}`),
  });
  return reader.devices.map(
    (device) =>
      new OsdpReader({
        id: device.id,
        address: device.address,
        secureChannel: device.secureChannel,
        useChecksum: device.checksum,
        wiegandFormats: device.wiegandFormats ?? reader.wiegandFormats,
        bus,
        timing,
        log: context.log.child(`reader:${device.id}`),
      }),
  );
}

/** One reader on its own transport, from its configuration. */
export async function buildReader(reader: Exclude<ReaderConfig, { type: 'osdp' }>, context: ReaderBuildContext): Promise<CardReader> {
  const log = context.log.child(`reader:${reader.id}`);
  const feedback = reader.feedback
    ? new ReaderFeedback({
        gpio: context.gpio,
        ...(reader.feedback.greenLed ? { greenLed: reader.feedback.greenLed } : {}),
        ...(reader.feedback.redLed ? { redLed: reader.feedback.redLed } : {}),
        ...(reader.feedback.buzzer ? { buzzer: reader.feedback.buzzer } : {}),
        grant: reader.feedback.grant,
        deny: reader.feedback.deny,
        log,
      })
    : undefined;
  const common = { id: reader.id, debounceMs: reader.debounceMs, log, ...(feedback ? { feedback } : {}) };
  switch (reader.type) {
    case 'rdm6300':
      return new Rdm6300Reader({
        ...common,
        path: reader.serial.path,
        baudRate: reader.serial.baudRate,
        binding: await context.binding(reader),
      });
    case 'line':
      return new LineReader({
        ...common,
        path: reader.serial.path,
        baudRate: reader.serial.baudRate,
        binding: await context.binding(reader),
        format: reader.format,
        maxLineLength: reader.maxLineLength,
      });
    case 'pn532':
      return new Pn532Reader({
        ...common,
        path: reader.serial.path,
        baudRate: reader.serial.baudRate,
        binding: await context.binding(reader),
        pollIntervalMs: reader.pollIntervalMs,
        ackTimeoutMs: reader.ackTimeoutMs,
        replyTimeoutMs: reader.replyTimeoutMs,
      });
    case 'wiegand':
      return new WiegandReader({
        ...common,
        gpio: context.gpio,
        d0Line: reader.wiegand.d0Line,
        d1Line: reader.wiegand.d1Line,
        formats: reader.wiegand.formats,
        frameTimeoutMs: reader.wiegand.frameTimeoutMs,
        allowRaw: reader.wiegand.allowRaw,
      });
  }
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
      const { createSimHardware } = await loadSimulator(simulatedParts(config));
      sim = createSimHardware(simSpecFromConfig(config));
      log.info('using simulated hardware', { readers: sim.readers.size, doors: sim.doorIds().length });
    }

    // GPIO first: Wiegand readers and reader feedback sit on it.
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

    const binding = async (reader: SerialReaderConfig): Promise<BindingInterface> => {
      if (reader.serial.driver === 'sim') {
        if (!sim) throw new Error(`reader ${reader.id} asks for a simulated port but no simulator is present`);
        return sim.serialBinding;
      }
      return systemSerialBinding();
    };
    const readers: CardReader[] = [];
    for (const reader of config.readers) readers.push(...(await buildReaders(reader, { gpio, binding, log })));

    return {
      readers,
      gpio,
      ...(sim ? { sim } : {}),
      close: async () => {
        await gpio.close();
        // A simulator the caller passed in is the caller's to close.
        if (sim && !options.sim) await sim.close();
      },
    };
  }
}

/** zod leaves absent optional keys undefined; `exactOptionalPropertyTypes` wants them absent. */
function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
