/**
 * RDM6300 / EM4100 frames (docs/hardware.md#rdm6300-and-em4100):
 * `0x02`, 10 ASCII-hex characters (version byte + 4 tag bytes), 2 ASCII-hex characters
 * of checksum (XOR of the 5 data bytes), `0x03`.
 *
 * Frames may arrive split across reads and mixed with noise; a frame cut short by a new
 * `0x02` is dropped and decoding resynchronises on that `0x02`. Bad checksums and
 * non-hex characters are rejected and counted.
 */
import { Transform, type TransformCallback } from 'node:stream';

export const STX = 0x02;
export const ETX = 0x03;
export const FRAME_LENGTH = 14;

export interface Rdm6300Frame {
  /** The 32-bit EM4100 tag number (what the card has printed, as decimal). */
  tag: number;
  /** The version / customer byte. */
  versionByte: number;
}

export type Rdm6300RejectReason = 'checksum' | 'not_hex' | 'no_etx' | 'interrupted';

export interface Rdm6300Rejection {
  reason: Rdm6300RejectReason;
  /** The bytes of the rejected frame so far. */
  bytes: Buffer;
  detail: string;
}

export interface Rdm6300Stats {
  frames: number;
  checksumErrors: number;
  malformed: number;
  noiseBytes: number;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** Push-based decoder: feed it whatever the port delivered, get the complete frames back. */
export class Rdm6300Decoder {
  readonly stats: Rdm6300Stats = { frames: 0, checksumErrors: 0, malformed: 0, noiseBytes: 0 };
  private readonly frame = Buffer.alloc(FRAME_LENGTH);
  /** Bytes of the current frame collected; 0 while hunting for STX. */
  private length = 0;

  constructor(private readonly onReject?: (rejection: Rdm6300Rejection) => void) {}

  push(chunk: Uint8Array): Rdm6300Frame[] {
    const frames: Rdm6300Frame[] = [];
    for (const byte of chunk) {
      if (this.length === 0) {
        if (byte === STX) this.start();
        else this.stats.noiseBytes++;
        continue;
      }
      if (this.length < FRAME_LENGTH - 1) {
        if (byte === STX) {
          this.reject('interrupted', `a new frame started after ${this.length} bytes`);
          this.start();
        } else if (hexValue(byte) < 0) {
          this.frame[this.length++] = byte;
          this.reject('not_hex', `byte 0x${byte.toString(16).padStart(2, '0')} at position ${this.length - 1} is not an ASCII hex digit`);
        } else {
          this.frame[this.length++] = byte;
        }
        continue;
      }
      // The 14th byte must close the frame.
      if (byte !== ETX) {
        this.frame[this.length++] = byte;
        this.reject('no_etx', `frame ends with 0x${byte.toString(16).padStart(2, '0')} instead of 0x03`);
        if (byte === STX) this.start();
        continue;
      }
      this.frame[this.length++] = byte;
      const decoded = this.decode();
      if (decoded) frames.push(decoded);
      this.length = 0;
    }
    return frames;
  }

  /** Forgets a partial frame (after the port was reopened). */
  reset(): void {
    this.length = 0;
  }

  private start(): void {
    this.frame[0] = STX;
    this.length = 1;
  }

  private decode(): Rdm6300Frame | null {
    const bytes: number[] = [];
    for (let i = 1; i < 13; i += 2) bytes.push((hexValue(this.frame[i]!) << 4) | hexValue(this.frame[i + 1]!));
    const [versionByte, b1, b2, b3, b4, checksum] = bytes as [number, number, number, number, number, number];
    const expected = versionByte ^ b1 ^ b2 ^ b3 ^ b4;
    if (expected !== checksum) {
      this.stats.checksumErrors++;
      this.onReject?.({
        reason: 'checksum',
        bytes: Buffer.from(this.frame.subarray(0, this.length)),
        detail: `checksum 0x${checksum.toString(16).padStart(2, '0')} but the data XOR to 0x${expected.toString(16).padStart(2, '0')}`,
      });
      return null;
    }
    this.stats.frames++;
    return { tag: ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4) >>> 0, versionByte };
  }

  private reject(reason: Exclude<Rdm6300RejectReason, 'checksum'>, detail: string): void {
    this.stats.malformed++;
    this.onReject?.({ reason, bytes: Buffer.from(this.frame.subarray(0, this.length)), detail });
    this.length = 0;
  }
}

export interface TimedRdm6300Frame extends Rdm6300Frame {
  /** `process.hrtime.bigint()` when the chunk completing the frame reached the parser. */
  receivedAtNs: bigint;
}

/**
 * The decoder as a serialport-style parser: pipe a port into it, read
 * `TimedRdm6300Frame` objects out.
 */
export class Rdm6300Parser extends Transform {
  readonly decoder: Rdm6300Decoder;

  constructor(onReject?: (rejection: Rdm6300Rejection) => void) {
    super({ readableObjectMode: true });
    this.decoder = new Rdm6300Decoder(onReject);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const receivedAtNs = process.hrtime.bigint();
    for (const frame of this.decoder.push(chunk)) this.push({ ...frame, receivedAtNs } satisfies TimedRdm6300Frame);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.decoder.reset();
    callback();
  }
}
