/**
 * Builds the agent's hardware from its configuration, in one place: business logic never
 * asks whether it runs on a Raspberry Pi. The simulator package is loaded only when the
 * configuration asks for simulated parts. Each reader type is one case of `buildReader`.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { CardReader, GpioProvider } from '@acs/shared/hardware/interfaces';
import type { SimHardware, SimHardwareSpec, SimLineFormat, SimReaderSpec } from '@acs/hardware-sim';
import { isSerialReader, type AgentConfig, type ReaderConfig, type SerialReaderConfig } from '../config/agent-config.js';
import type { Logger } from '../log/logger.js';
import { LineReader } from '../readers/line-reader.js';
import { Pn532Reader } from '../readers/pn532-reader.js';
import { Rdm6300Reader } from '../readers/rdm6300-reader.js';
import { ReaderFeedback } from '../readers/reader-feedback.js';
import { WiegandReader } from '../readers/wiegand-reader.js';
import type { AgentHardware } from './agent-hardware.js';
import { OnoffGpioProvider } from './onoff-gpio.js';

/** Whether the simulator provides this reader's transport. */
function isSimulated(reader: ReaderConfig, config: AgentConfig): boolean {
  return isSerialReader(reader) ? reader.serial.driver === 'sim' : config.gpio.provider === 'sim';
}

function simReaderSpec(reader: ReaderConfig): SimReaderSpec {
  const common = { id: reader.id, door: reader.door, direction: reader.direction };
  switch (reader.type) {
    case 'rdm6300':
      return { ...common, type: 'rdm6300', path: reader.serial.path };
    case 'line': {
      const format = reader.format;
      const lineFormat: SimLineFormat =
        format.type === 'wiegand-fc-cn' ? { type: 'wiegand-fc-cn', wiegandFormat: format.wiegandFormat } : format.type === 'regex' ? { type: 'verbatim' } : { type: format.type };
      return { ...common, type: 'line', path: reader.serial.path, lineFormat };
    }
    case 'pn532':
      return { ...common, type: 'pn532', path: reader.serial.path };
    case 'wiegand':
      return { ...common, type: 'wiegand', d0Line: reader.wiegand.d0Line, d1Line: reader.wiegand.d1Line, format: reader.wiegand.formats[0]! };
  }
}

/** The simulated parts of a configuration, in the simulator's own terms. */
export function simSpecFromConfig(config: AgentConfig): SimHardwareSpec {
  return {
    readers: config.readers.filter((r) => isSimulated(r, config)).map(simReaderSpec),
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

interface ReaderBuildContext {
  gpio: GpioProvider;
  binding(reader: SerialReaderConfig): Promise<BindingInterface>;
  log: Logger;
}

/** One reader from its configuration. */
export async function buildReader(reader: ReaderConfig, context: ReaderBuildContext): Promise<CardReader> {
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
      return new Rdm6300Reader({ ...common, path: reader.serial.path, baudRate: reader.serial.baudRate, binding: await context.binding(reader) });
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
      const { createSimHardware } = await import('@acs/hardware-sim');
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

    let systemBinding: BindingInterface | null = null;
    const binding = async (reader: SerialReaderConfig): Promise<BindingInterface> => {
      if (reader.serial.driver === 'sim') {
        if (!sim) throw new Error(`reader ${reader.id} asks for a simulated port but no simulator is present`);
        return sim.serialBinding;
      }
      if (!systemBinding) {
        const { SerialPort } = await import('serialport');
        systemBinding = SerialPort.binding as BindingInterface;
      }
      return systemBinding;
    };
    const readers: CardReader[] = [];
    for (const reader of config.readers) readers.push(await buildReader(reader, { gpio, binding, log }));

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
