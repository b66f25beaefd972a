/**
 * A simulated RDM6300 125 kHz module: on `present(tag)` it transmits the real 14-byte
 * frame (docs/hardware.md#rdm6300-and-em4100), optionally repeated while the card is held,
 * split into chunks or surrounded by noise, so the agent's own parser does the work.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SerialDeviceEnd } from '../serial/sim-serial-binding.js';

export const RDM6300_STX = 0x02;
export const RDM6300_ETX = 0x03;
export const RDM6300_FRAME_LENGTH = 14;
export const RDM6300_BAUD_RATE = 9600;

const HEX = '0123456789ABCDEF';

function hexByte(value: number): [number, number] {
  return [HEX.charCodeAt(value >> 4), HEX.charCodeAt(value & 0x0f)];
}

/** Encodes a 32-bit EM4100 tag number (and the version/customer byte) as an RDM6300 frame. */
export function encodeRdm6300Frame(tag: number, versionByte = 0): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) throw new RangeError(`tag must be a 32-bit unsigned integer, got ${tag}`);
  if (!Number.isInteger(versionByte) || versionByte < 0 || versionByte > 0xff) {
    throw new RangeError(`version byte must be 0-255, got ${versionByte}`);
  }
  const data = [versionByte, (tag >>> 24) & 0xff, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff];
  const checksum = data.reduce((x, b) => x ^ b, 0);
  return Buffer.from([RDM6300_STX, ...data.flatMap(hexByte), ...hexByte(checksum), RDM6300_ETX]);
}

export interface PresentOptions {
  /** Frames sent while the card is held (a real module repeats continuously). Default 1. */
  repeat?: number;
  /** Gap between repeated frames. Default 20 ms (≈ frame time at 9600 baud plus a little). */
  repeatIntervalMs?: number;
  /** Split each frame into this many chunks, written `chunkGapMs` apart. Default 1 (whole frame). */
  chunks?: number;
  chunkGapMs?: number;
  /** Bytes sent before the first frame (line noise). */
  noise?: Uint8Array;
  versionByte?: number;
}

export class SimRdm6300 {
  constructor(readonly device: SerialDeviceEnd) {}

  /**
   * Transmits the card's frames. Resolves after the last byte was written; returns
   * false when no host had the port open for some of them.
   */
  async present(tag: number, options: PresentOptions = {}): Promise<boolean> {
    const frame = encodeRdm6300Frame(tag, options.versionByte ?? 0);
    const repeat = Math.max(1, options.repeat ?? 1);
    let delivered = true;
    if (options.noise && options.noise.length > 0) delivered = this.device.write(options.noise) && delivered;
    for (let i = 0; i < repeat; i++) {
      if (i > 0) await sleep(options.repeatIntervalMs ?? 20);
      delivered = (await this.writeChunked(frame, options.chunks ?? 1, options.chunkGapMs ?? 2)) && delivered;
    }
    return delivered;
  }

  /** Sends arbitrary bytes, for tests of corrupted or foreign traffic. */
  sendRaw(bytes: Uint8Array): boolean {
    return this.device.write(bytes);
  }

  private async writeChunked(bytes: Buffer, chunks: number, gapMs: number): Promise<boolean> {
    if (chunks <= 1) return this.device.write(bytes);
    const size = Math.ceil(bytes.length / chunks);
    let delivered = true;
    for (let offset = 0; offset < bytes.length; offset += size) {
      if (offset > 0) await sleep(gapMs);
      delivered = this.device.write(bytes.subarray(offset, offset + size)) && delivered;
    }
    return delivered;
  }
}
