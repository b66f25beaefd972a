/**
 * GPIO through the kernel's sysfs interface with `onoff`.
 *
 * Since kernel 6.6 (Raspberry Pi OS Bookworm) sysfs numbers lines from the chip's base
 * (Pi 4: 512, Pi 5: 571), so exporting a plain BCM number fails with EINVAL. The base is
 * read at run time from `/sys/class/gpio/gpiochip*\/{label,base}`; it is never
 * hard-coded (docs/hardware.md#gpio-numbering). Inputs watch the edges they ask for
 * (default both) with onoff's debounce; Wiegand data lines ask for `rising` only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpioInput, GpioInputOptions, GpioOutput, GpioProvider, InputListener, Level } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';

/** Labels of the gpiochip that carries the 40-pin header on Raspberry Pi models. */
export const RASPBERRY_PI_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2712', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

export interface GpioChipInfo {
  name: string;
  label: string;
  base: number;
  ngpio: number | null;
}

export function listGpioChips(sysfsRoot = '/sys/class/gpio'): GpioChipInfo[] {
  let names: string[];
  try {
    names = readdirSync(sysfsRoot).filter((n) => n.startsWith('gpiochip'));
  } catch (err) {
    throw new Error(`cannot list ${sysfsRoot} (is sysfs GPIO available on this kernel?): ${(err as Error).message}`, { cause: err });
  }
  const chips: GpioChipInfo[] = [];
  for (const name of names) {
    try {
      const read = (file: string) => readFileSync(join(sysfsRoot, name, file), 'utf8').trim();
      const base = Number(read('base'));
      if (!Number.isInteger(base)) continue;
      let ngpio: number | null = null;
      try {
        ngpio = Number(read('ngpio'));
      } catch {
        // optional
      }
      chips.push({ name, label: read('label'), base, ngpio });
    } catch {
      // not a chip folder we can read
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/**
 * The sysfs number of BCM line 0: the base of the chip labelled `chipLabel`, or of the
 * first known Raspberry Pi header chip.
 */
export function findGpioBase(sysfsRoot = '/sys/class/gpio', chipLabel?: string): { base: number; chip: GpioChipInfo } {
  const chips = listGpioChips(sysfsRoot);
  const wanted = chipLabel ? [chipLabel] : [...RASPBERRY_PI_CHIP_LABELS];
  for (const label of wanted) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return { base: chip.base, chip };
  }
  const found = chips.map((c) => `${c.name} '${c.label}' base ${c.base}`).join(', ') || 'none';
  throw new Error(
    `no GPIO chip labelled ${wanted.map((l) => `'${l}'`).join(' or ')} in ${sysfsRoot} (found: ${found}); set gpio.chipLabel in the agent configuration`,
  );
}

/** The subset of onoff's `Gpio` this provider uses (a fake stands in for it in tests). */
export interface OnoffGpio {
  readSync(): Level;
  writeSync(value: Level): void;
  watch(callback: (err: Error | null | undefined, value: Level) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

export type OnoffGpioConstructor = new (
  gpio: number,
  direction: 'in' | 'out' | 'high' | 'low',
  edge?: 'none' | 'rising' | 'falling' | 'both',
  options?: { debounceTimeout?: number },
) => OnoffGpio;

export class OnoffGpioProvider implements GpioProvider {
  /** Inputs to unexport on close. Outputs are never unexported (see `output`). */
  private readonly inputs = new Set<OnoffGpio>();

  constructor(
    private readonly Gpio: OnoffGpioConstructor,
    readonly base: number,
    private readonly log: Logger,
  ) {}

  /** Loads onoff and finds the base offset. */
  static async create(options: { sysfsRoot?: string; chipLabel?: string; log: Logger }): Promise<OnoffGpioProvider> {
    const { base, chip } = findGpioBase(options.sysfsRoot, options.chipLabel);
    const { Gpio } = await import('onoff');
    options.log.info('GPIO via sysfs', { chip: chip.name, label: chip.label, base });
    return new OnoffGpioProvider(Gpio, base, options.log);
  }

  output(line: number, initial: Level): GpioOutput {
    // 'high'/'low' set the direction and the initial level in one step: no glitch on the relay.
    const gpio = new this.Gpio(this.base + line, initial === 1 ? 'high' : 'low');
    let last: Level = initial;
    return {
      write: (level) => {
        gpio.writeSync(level);
        last = level;
      },
      read: () => last,
      // Outputs stay exported: sysfs keeps driving the last level (the lock locked) after
      // the process exits, where an unexported line would float.
      close: () => undefined,
    };
  }

  input(line: number, options: GpioInputOptions): GpioInput {
    const gpio = new this.Gpio(
      this.base + line,
      'in',
      options.edge ?? 'both',
      options.debounceMs > 0 ? { debounceTimeout: options.debounceMs } : {},
    );
    this.inputs.add(gpio);
    return {
      read: () => gpio.readSync(),
      watch: (listener: InputListener) =>
        gpio.watch((err, value) => {
          if (err) {
            this.log.warn(`GPIO ${line} watch error`, { error: err.message });
            return;
          }
          listener(value, process.hrtime.bigint());
        }),
      unwatchAll: () => gpio.unwatchAll(),
      close: () => this.release(gpio),
    };
  }

  async close(): Promise<void> {
    for (const gpio of [...this.inputs]) this.release(gpio);
  }

  private release(gpio: OnoffGpio): void {
    if (!this.inputs.delete(gpio)) return;
    try {
      gpio.unwatchAll();
      gpio.unexport();
    } catch (err) {
      this.log.warn('GPIO unexport failed', { error: (err as Error).message });
    }
  }
}
