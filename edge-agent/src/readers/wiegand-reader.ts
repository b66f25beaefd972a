/**
 * A Wiegand reader on two GPIO inputs (docs/hardware.md#wiegand-signalling). D0 and D1 idle high; a
 * bit is an active-low pulse on D0 (0) or D1 (1). Each pulse is taken at its end, the
 * `rising` edge, without debounce: sysfs reads the level after the interrupt, and a
 * 50 µs pulse is already over, so `falling` edges would be lost.
 *
 * Wiegand has no frame delimiter: a frame ends after `frameTimeoutMs` without a pulse.
 * Two tests end it: a gap of more than the timeout between two edges' timestamps (edges
 * delivered late in a burst, as a queueing GPIO provider does, still split correctly),
 * and a timer for the last frame. The frame is decoded with the configured formats;
 * frames with the wrong bit count or a failing parity bit are counted and logged at
 * debug level, never emitted, except that a bit count no format has becomes a
 * `raw:<bits>:<hex>` credential when `allowRaw` is set.
 *
 * `receivedAtNs` of a read is the timestamp of the frame's last edge.
 */
import { rawCredential, wiegandCredential } from '@acs/shared/credentials/credential';
import {
  MAX_WIEGAND_BITS,
  bitsToHex,
  bitsToString,
  decodeWiegand,
  isWiegandDecodeError,
  type WiegandBit,
  type WiegandFormat,
} from '@acs/shared/credentials/wiegand';
import type { GpioInput, GpioProvider } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';
import { CardReaderBase } from './card-reader-base.js';
import type { ReaderFeedback } from './reader-feedback.js';

export const DEFAULT_WIEGAND_FRAME_TIMEOUT_MS = 25;

export interface WiegandReaderOptions {
  id: string;
  gpio: GpioProvider;
  /** BCM line of D0 (a pulse here is a 0 bit). */
  d0Line: number;
  /** BCM line of D1 (a pulse here is a 1 bit). */
  d1Line: number;
  /** Tried in order; the first whose length matches and whose parity checks wins. */
  formats: readonly WiegandFormat[];
  /** Silence that ends a frame. Default 25 ms. */
  frameTimeoutMs?: number;
  /** Frames of a length no format has become `raw:` credentials instead of being rejected. */
  allowRaw?: boolean;
  debounceMs?: number;
  feedback?: ReaderFeedback;
  log: Logger;
}

export interface WiegandReaderStats {
  frames: number;
  cards: number;
  raw: number;
  bitCountErrors: number;
  parityErrors: number;
  /** Frames longer than any Wiegand frame can be (a stuck or noisy line). */
  overlong: number;
}

export class WiegandReader extends CardReaderBase {
  readonly stats: WiegandReaderStats = { frames: 0, cards: 0, raw: 0, bitCountErrors: 0, parityErrors: 0, overlong: 0 };
  private readonly frameTimeoutNs: bigint;
  private bits: WiegandBit[] = [];
  private overlongFrame = false;
  private lastEdgeNs = 0n;
  private timer: NodeJS.Timeout | null = null;
  private lines: GpioInput[] = [];

  constructor(private readonly options: WiegandReaderOptions) {
    super({
      id: options.id,
      debounceMs: options.debounceMs ?? 500,
      log: options.log,
      ...(options.feedback ? { feedback: options.feedback } : {}),
    });
    this.frameTimeoutNs = BigInt(this.frameTimeoutMs) * 1_000_000n;
  }

  private get frameTimeoutMs(): number {
    return this.options.frameTimeoutMs ?? DEFAULT_WIEGAND_FRAME_TIMEOUT_MS;
  }

  protected async startReading(): Promise<void> {
    const { gpio, d0Line, d1Line } = this.options;
    const d0 = gpio.input(d0Line, { debounceMs: 0, edge: 'rising' });
    let d1: GpioInput;
    try {
      d1 = gpio.input(d1Line, { debounceMs: 0, edge: 'rising' });
    } catch (err) {
      d0.close();
      throw err;
    }
    this.lines = [d0, d1];
    d0.watch((_level, atNs) => this.onEdge(0, atNs));
    d1.watch((_level, atNs) => this.onEdge(1, atNs));
    this.log.info(`reader ${this.id} listening`, {
      d0: d0Line,
      d1: d1Line,
      formats: this.options.formats.map((f) => f.id),
      frameTimeoutMs: this.frameTimeoutMs,
    });
  }

  protected async stopReading(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const line of this.lines) line.close();
    this.lines = [];
    this.bits = [];
    this.overlongFrame = false;
  }

  private onEdge(bit: WiegandBit, atNs: bigint): void {
    if ((this.bits.length > 0 || this.overlongFrame) && atNs - this.lastEdgeNs > this.frameTimeoutNs) this.endFrame();
    this.lastEdgeNs = atNs;
    if (this.bits.length < MAX_WIEGAND_BITS) this.bits.push(bit);
    else this.overlongFrame = true;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.onSilence(), this.frameTimeoutMs);
  }

  private onSilence(): void {
    this.timer = null;
    this.endFrame();
  }

  private endFrame(): void {
    const bits = this.bits;
    const receivedAtNs = this.lastEdgeNs;
    this.bits = [];
    if (this.overlongFrame) {
      this.overlongFrame = false;
      this.stats.overlong++;
      this.log.debug(() => `rejected Wiegand frame on ${this.id}: more than ${MAX_WIEGAND_BITS} bits`);
      return;
    }
    if (bits.length === 0) return;
    this.stats.frames++;
    const result = decodeWiegand(bits, this.options.formats);
    if (!isWiegandDecodeError(result)) {
      this.stats.cards++;
      this.emitCard(wiegandCredential(result.format.id, result.facility, result.card), receivedAtNs);
      return;
    }
    if (result.error === 'bit_count' && this.options.allowRaw) {
      this.stats.raw++;
      this.emitCard(rawCredential(bits.length, bitsToHex(bits)), receivedAtNs);
      return;
    }
    if (result.error === 'bit_count') this.stats.bitCountErrors++;
    else this.stats.parityErrors++;
    this.log.debug(() => `rejected Wiegand frame on ${this.id}: ${result.message} [${bitsToString(bits)}]`);
  }
}
