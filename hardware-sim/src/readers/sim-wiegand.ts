/**
 * A simulated Wiegand reader's output stage: D0 and D1 idle high, each bit an active-low
 * pulse on D0 (0) or D1 (1) (docs/hardware.md#wiegand-signalling: pulse 20-100 µs, typically 50 µs;
 * interval 200 µs - 20 ms, typically 1-2 ms).
 *
 * Two ways to send (`acs-sim badge` uses the second, which a loaded machine cannot garble):
 * - `send`: real timers. Node's timers have millisecond resolution, so a pulse shorter
 *   than 1 ms lasts until the next turn of the event loop and the gaps between pulses
 *   round up to whole milliseconds; the agent takes each bit at the pulse's end either way.
 * - `sendInstant`: every edge in one tick, each stamped with the time it would have on
 *   the wire (the way a queueing GPIO driver delivers them): fast tests with exact timing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeWiegand, type WiegandBit, type WiegandBits, type WiegandFormat, type WiegandNumber } from '@acs/shared/credentials/wiegand';
import type { SimGpio } from '../gpio/sim-gpio.js';

export interface WiegandTiming {
  /** Width of each low pulse. */
  pulseWidthUs: number;
  /** From the start of one pulse to the start of the next. */
  intervalUs: number;
}

export const TYPICAL_WIEGAND_TIMING: WiegandTiming = { pulseWidthUs: 50, intervalUs: 2000 };

export interface SimWiegandSpec {
  d0Line: number;
  d1Line: number;
  timing?: WiegandTiming;
}

export class SimWiegandTransmitter {
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly gpio: SimGpio,
    readonly spec: SimWiegandSpec,
  ) {
    if (spec.d0Line === spec.d1Line) throw new Error(`D0 and D1 must be two lines, both are GPIO ${spec.d0Line}`);
    // Idle high before the agent claims the lines: its first edges are then real bits.
    gpio.setInput(spec.d0Line, 1);
    gpio.setInput(spec.d1Line, 1);
  }

  get timing(): WiegandTiming {
    return this.spec.timing ?? TYPICAL_WIEGAND_TIMING;
  }

  /** Encodes the card in `format` and sends it with real timers. */
  present(format: WiegandFormat, number: WiegandNumber, timing?: WiegandTiming): Promise<void> {
    return this.send(encodeWiegand(format, number), timing);
  }

  /** Sends a frame with real timers; frames sent while one is on the wire queue behind it. */
  send(bits: WiegandBits, timing: WiegandTiming = this.timing): Promise<void> {
    const run = this.busy.then(() => this.transmit(bits, timing));
    this.busy = run.catch(() => undefined);
    return run;
  }

  /**
   * Delivers every edge of the frame now, stamped as on the wire from `startNs`; by
   * default the frame is stamped as if it had just finished arriving (its last edge now).
   * Returns the stamp of the last edge (the end of the last pulse).
   */
  sendInstant(bits: WiegandBits, options: { startNs?: bigint; timing?: WiegandTiming } = {}): bigint {
    const timing = options.timing ?? this.timing;
    const width = BigInt(Math.round(timing.pulseWidthUs * 1000));
    const interval = BigInt(Math.round(timing.intervalUs * 1000));
    const start = options.startNs ?? process.hrtime.bigint() - (bits.length > 0 ? BigInt(bits.length - 1) * interval + width : 0n);
    let last = start;
    bits.forEach((bit, i) => {
      const line = this.lineFor(bit);
      const low = start + BigInt(i) * interval;
      last = low + width;
      this.gpio.setInput(line, 0, low);
      this.gpio.setInput(line, 1, last);
    });
    return last;
  }

  /** How long `send` takes for `bitCount` bits, in ms (at least; timers round up). */
  durationMs(bitCount: number, timing: WiegandTiming = this.timing): number {
    return bitCount === 0 ? 0 : ((bitCount - 1) * timing.intervalUs + timing.pulseWidthUs) / 1000;
  }

  private async transmit(bits: WiegandBits, timing: WiegandTiming): Promise<void> {
    const gapMs = Math.max(0, (timing.intervalUs - timing.pulseWidthUs) / 1000);
    for (let i = 0; i < bits.length; i++) {
      const line = this.lineFor(bits[i]!);
      this.gpio.setInput(line, 0);
      await pause(timing.pulseWidthUs / 1000);
      this.gpio.setInput(line, 1);
      if (i < bits.length - 1) await sleep(Math.ceil(gapMs));
    }
  }

  private lineFor(bit: WiegandBit): number {
    return bit === 1 ? this.spec.d1Line : this.spec.d0Line;
  }
}

/** Waits `ms`; below a millisecond, until the next turn of the event loop. */
function pause(ms: number): Promise<void> {
  if (ms >= 1) return sleep(ms);
  return new Promise((resolve) => setImmediate(resolve));
}
