/**
 * A simulated keyboard-wedge style reader on a serial line: it types the card number as
 * text and a line end (docs/hardware.md#line-readers), the way the configured
 * vendor format writes it: `0003887558`, `123,4567` or `04A1B2C3`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SerialDeviceEnd } from '../serial/sim-serial-binding.js';

export interface SendLineOptions {
  /** Lines sent while the card is held. Default 1. */
  repeat?: number;
  repeatIntervalMs?: number;
  /** Split each line into this many chunks, `chunkGapMs` apart. Default 1. */
  chunks?: number;
  chunkGapMs?: number;
}

export class SimLineReader {
  constructor(
    readonly device: SerialDeviceEnd,
    private readonly lineEnding = '\r\n',
  ) {}

  /** Sends `text` and the line end; false when no host had the port open for some of it. */
  async sendLine(text: string, options: SendLineOptions = {}): Promise<boolean> {
    const bytes = Buffer.from(`${text}${this.lineEnding}`, 'latin1');
    let delivered = true;
    const repeat = Math.max(1, options.repeat ?? 1);
    for (let i = 0; i < repeat; i++) {
      if (i > 0) await sleep(options.repeatIntervalMs ?? 100);
      const chunks = Math.max(1, options.chunks ?? 1);
      const size = Math.ceil(bytes.length / chunks);
      for (let offset = 0; offset < bytes.length; offset += size) {
        if (offset > 0) await sleep(options.chunkGapMs ?? 2);
        delivered = this.device.write(bytes.subarray(offset, offset + size)) && delivered;
      }
    }
    return delivered;
  }

  /** Sends arbitrary bytes (garbage, partial lines). */
  sendRaw(bytes: Uint8Array): boolean {
    return this.device.write(bytes);
  }
}
