/**
 * PN532 frames over UART (docs/hardware.md#pn532-over-uart; NXP PN532 user manual §6.2):
 *
 *   normal   00 00 FF LEN LCS TFI PD0 … PDn DCS 00     LEN + LCS ≡ 0, TFI + PD… + DCS ≡ 0 (mod 256)
 *   extended 00 00 FF FF FF LENM LENL LCS TFI … DCS 00  (LENM + LENL + LCS ≡ 0)
 *   ACK      00 00 FF 00 FF 00
 *   NACK     00 00 FF FF 00 00   (asks the other side to send its last frame again)
 *   error    00 00 FF 01 FF 7F 81 00   (the PN532 could not parse a command)
 *
 * TFI is D4 host → PN532 and D5 PN532 → host; a reply's code is the command's plus one.
 * The decoder hunts for the `00 FF` start code, so noise, partial frames and frames
 * whose length or data checksum fails are skipped and decoding resynchronises on the
 * next start code.
 */

export const TFI_HOST = 0xd4;
export const TFI_PN532 = 0xd5;

export const PN532_COMMAND = {
  GetFirmwareVersion: 0x02,
  SAMConfiguration: 0x14,
  RFConfiguration: 0x32,
  InListPassiveTarget: 0x4a,
} as const;

export const ACK_FRAME: Buffer = Buffer.from([0x00, 0x00, 0xff, 0x00, 0xff, 0x00]);
export const NACK_FRAME: Buffer = Buffer.from([0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);

/**
 * HSU wake-up: the PN532 leaves power-down on a `55 55` followed by enough idle bytes
 * (the manual asks for the line to stay busy a while); the first command must follow
 * straight after, and SAMConfiguration must be it.
 */
export const WAKE_UP: Buffer = Buffer.concat([Buffer.from([0x55, 0x55]), Buffer.alloc(14)]);

/** A normal information frame carrying `tfi` and `data`. */
export function encodeFrame(tfi: number, data: Uint8Array): Buffer {
  const length = data.length + 1;
  if (length > 255) throw new RangeError(`frame data of ${data.length} bytes needs an extended frame`);
  let sum = tfi;
  for (const byte of data) sum += byte;
  return Buffer.from([0x00, 0x00, 0xff, length, (0x100 - length) & 0xff, tfi, ...data, (0x100 - (sum & 0xff)) & 0xff, 0x00]);
}

/** A host command: TFI D4, the command code, its parameters. */
export function encodeCommand(code: number, params: readonly number[] = []): Buffer {
  return encodeFrame(TFI_HOST, Uint8Array.from([code, ...params]));
}

export type Pn532Frame =
  | { kind: 'ack' }
  | { kind: 'nack' }
  /** The PN532's application-level error frame (a syntax error in what it received). */
  | { kind: 'error' }
  | { kind: 'data'; tfi: number; code: number; params: Buffer };

export type Pn532RejectReason = 'length_checksum' | 'data_checksum' | 'too_short' | 'overflow';

export interface Pn532Rejection {
  reason: Pn532RejectReason;
  detail: string;
}

export interface Pn532DecoderStats {
  frames: number;
  acks: number;
  lengthChecksumErrors: number;
  dataChecksumErrors: number;
  noiseBytes: number;
}

const MAX_BUFFER = 1024;

export class Pn532FrameDecoder {
  readonly stats: Pn532DecoderStats = { frames: 0, acks: 0, lengthChecksumErrors: 0, dataChecksumErrors: 0, noiseBytes: 0 };
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onReject?: (rejection: Pn532Rejection) => void) {}

  push(chunk: Uint8Array): Pn532Frame[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: Pn532Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === null) break;
      if (frame !== 'skip') frames.push(frame);
    }
    // Only what is left after decoding is capped (a safety net: a frame that fits is at most
    // MAX_BUFFER bytes). Capping the input first dropped whole frames from a long read, so
    // the frames found depended on how the port chunked them.
    if (this.buffer.length > MAX_BUFFER) {
      this.reject('overflow', `${this.buffer.length} bytes without a complete frame; dropping all but the last ${MAX_BUFFER}`);
      this.buffer = this.buffer.subarray(this.buffer.length - MAX_BUFFER);
    }
    return frames;
  }

  /** Forgets a partial frame (after a timeout or a reopened port). */
  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  /** The next frame, 'skip' after dropping a bad one, null when more bytes are needed. */
  private next(): Pn532Frame | 'skip' | null {
    const buf = this.buffer;
    let start = -1;
    for (let i = 0; i + 1 < buf.length; i++) {
      if (buf[i] === 0x00 && buf[i + 1] === 0xff) {
        start = i;
        break;
      }
      if (buf[i] !== 0x00) this.stats.noiseBytes++;
    }
    if (start < 0) {
      // Keep a trailing 00: it may be the first half of a start code.
      const keep = buf.length > 0 && buf[buf.length - 1] === 0x00 ? 1 : 0;
      if (buf.length > 0 && !keep) this.stats.noiseBytes++;
      this.buffer = buf.subarray(buf.length - keep);
      return null;
    }
    if (buf.length < start + 4) {
      this.buffer = buf.subarray(start);
      return null;
    }
    const len = buf[start + 2]!;
    const lcs = buf[start + 3]!;
    if (len === 0x00 && lcs === 0xff) {
      this.buffer = buf.subarray(start + 4);
      this.stats.acks++;
      return { kind: 'ack' };
    }
    if (len === 0xff && lcs === 0x00) {
      this.buffer = buf.subarray(start + 4);
      return { kind: 'nack' };
    }
    let dataStart = start + 4;
    let length = len;
    if (len === 0xff && lcs === 0xff) {
      if (buf.length < start + 7) {
        this.buffer = buf.subarray(start);
        return null;
      }
      const [m, l, xlcs] = [buf[start + 4]!, buf[start + 5]!, buf[start + 6]!];
      if (((m + l + xlcs) & 0xff) !== 0) return this.drop(start, 'length_checksum', `extended length ${m}/${l} with checksum ${xlcs}`);
      length = (m << 8) | l;
      dataStart = start + 7;
      // Never waited for: a frame that cannot fit the buffer would hold back the frames
      // behind its start code until the cap cut it, at a point that depends on the chunking.
      if (dataStart - start + length + 2 > MAX_BUFFER)
        return this.drop(start, 'overflow', `extended frame of ${length} bytes exceeds ${MAX_BUFFER}`);
    } else if (((len + lcs) & 0xff) !== 0) {
      return this.drop(start, 'length_checksum', `LEN 0x${hex(len)} with LCS 0x${hex(lcs)}`);
    }
    if (buf.length < dataStart + length + 1) {
      this.buffer = buf.subarray(start);
      return null;
    }
    const data = buf.subarray(dataStart, dataStart + length);
    const dcs = buf[dataStart + length]!;
    let sum = dcs;
    for (const byte of data) sum += byte;
    if ((sum & 0xff) !== 0) return this.drop(start, 'data_checksum', `DCS 0x${hex(dcs)} does not balance ${length} data bytes`);
    this.buffer = buf.subarray(dataStart + length + 1);
    if (length === 1 && data[0] === 0x7f) {
      this.stats.frames++;
      return { kind: 'error' };
    }
    if (length < 2) {
      this.reject('too_short', `a frame of ${length} byte(s) has no command code`);
      return 'skip';
    }
    this.stats.frames++;
    return { kind: 'data', tfi: data[0]!, code: data[1]!, params: Buffer.from(data.subarray(2)) };
  }

  /** Rejects the frame at `start` and resynchronises on whatever follows its start code. */
  private drop(start: number, reason: Pn532RejectReason, detail: string): 'skip' {
    if (reason === 'length_checksum') this.stats.lengthChecksumErrors++;
    if (reason === 'data_checksum') this.stats.dataChecksumErrors++;
    this.buffer = this.buffer.subarray(start + 2);
    this.reject(reason, detail);
    return 'skip';
  }

  private reject(reason: Pn532RejectReason, detail: string): void {
    this.onReject?.({ reason, detail });
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export interface PassiveTarget {
  targetNumber: number;
  sensRes: number;
  selRes: number;
  uid: Buffer;
}

/**
 * The targets of an InListPassiveTarget reply for 106 kbps type A: NbTg, then per
 * target Tg, SENS_RES (2), SEL_RES, NFCIDLength, NFCID1, and ATS if the card sent one.
 * Null when the reply is malformed.
 */
export function parseTypeATargets(params: Buffer): PassiveTarget[] | null {
  if (params.length < 1) return null;
  const count = params[0]!;
  const targets: PassiveTarget[] = [];
  let at = 1;
  for (let i = 0; i < count; i++) {
    if (params.length < at + 5) return null;
    const uidLength = params[at + 4]!;
    if (![4, 7, 10].includes(uidLength) || params.length < at + 5 + uidLength) return null;
    const selRes = params[at + 3]!;
    targets.push({
      targetNumber: params[at]!,
      sensRes: (params[at + 1]! << 8) | params[at + 2]!,
      selRes,
      uid: Buffer.from(params.subarray(at + 5, at + 5 + uidLength)),
    });
    at += 5 + uidLength;
    // ISO 14443-4 cards (SEL_RES bit 6) add their ATS: a length byte that counts itself.
    if (selRes & 0x20 && at < params.length) {
      const atsLength = params[at]!;
      if (atsLength < 1 || params.length < at + atsLength) return null;
      at += atsLength;
    }
  }
  return targets;
}
