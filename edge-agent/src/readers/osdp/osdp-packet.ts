/**
 * OSDP packet codec, both directions:
 *
 *   [FF] 53 ADDR LEN_L LEN_H CTRL [SCB…] CODE DATA… [MAC×4] CRC_L CRC_H | CKSUM
 *
 * LEN counts from SOM (0x53) through the check characters, never the mark byte. CTRL
 * carries the sequence number (bits 0-1), CRC-or-checksum (0x04) and "security block
 * present" (0x08). Security block types 0x15-0x18 add a 4-byte MAC, computed by the
 * secure channel over SOM … last data byte (see osdp-secure-channel.ts).
 *
 * `OsdpFrameDecoder` turns a byte stream into packets: it resynchronises on noise,
 * frames split across reads, frames cut short, bad lengths and bad check characters,
 * and never throws on input.
 */
import { CTRL_CRC, CTRL_SCB, CTRL_SEQUENCE_MASK, OSDP_MARK, OSDP_REPLY_FLAG, OSDP_SOM, scbHasMac } from './osdp-protocol.js';

// ------------------------------------------------------------------ check characters

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC-16/AUG-CCITT: polynomial 0x1021, initial value 0x1D0F, no reflection, no final XOR. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0x1d0f;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The one-byte checksum: two's complement of the low byte of the sum of the bytes. */
export function checksum8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i]!;
  return -sum & 0xff;
}

// ------------------------------------------------------------------ packets

export type CheckType = 'crc' | 'checksum';
export type Sequence = 0 | 1 | 2 | 3;

/** One packet, decoded. `data` is as it travelled (still encrypted for SCB types 0x17/0x18). */
export interface OsdpPacket {
  /** 0x00-0x7F, without the reply flag. */
  address: number;
  /** Bit 7 of the address byte: a PD's reply. */
  reply: boolean;
  sequence: Sequence;
  check: CheckType;
  /** The whole security control block (its length byte first), or null. */
  scb: Buffer | null;
  code: number;
  data: Buffer;
  /** The 4 MAC bytes when the security block type carries one. */
  mac: Buffer | null;
  /** SOM … last data byte: what the MAC covers. */
  macInput: Buffer;
}

export interface PacketFields {
  address: number;
  reply: boolean;
  sequence: Sequence;
  check?: CheckType;
  scb?: Uint8Array | readonly number[] | null;
  code: number;
  data?: Uint8Array | readonly number[];
}

export interface EncodeOptions {
  /** Send the 0xFF mark byte before SOM (OSDP v2.2 does). Default true. */
  mark?: boolean;
  /**
   * Computes the 4 MAC bytes over SOM … last data byte; required when the security
   * block type carries a MAC.
   */
  mac?: (macInput: Buffer) => Uint8Array;
}

/** Largest packet this codec accepts (SOM … check). The spec allows PDs to declare less. */
export const MAX_PACKET_LENGTH = 1440;

export class OsdpEncodeError extends Error {
  override readonly name = 'OsdpEncodeError';
}

/** Builds a packet, mark byte included unless `mark: false`. */
export function encodePacket(fields: PacketFields, options: EncodeOptions = {}): Buffer {
  const check = fields.check ?? 'crc';
  const scb = fields.scb ? Buffer.from(fields.scb) : null;
  const data = Buffer.from(fields.data ?? []);
  if (!Number.isInteger(fields.address) || fields.address < 0 || fields.address > 0x7f) {
    throw new OsdpEncodeError(`address must be 0x00-0x7F, got ${fields.address}`);
  }
  if (scb && (scb.length < 2 || scb[0] !== scb.length))
    throw new OsdpEncodeError('security block length byte must equal its size (at least 2)');
  const hasMac = scb !== null && scbHasMac(scb[1]!);
  if (hasMac && !options.mac) throw new OsdpEncodeError('this security block type needs a MAC');
  const checkLength = check === 'crc' ? 2 : 1;
  const length = 5 + (scb?.length ?? 0) + 1 + data.length + (hasMac ? 4 : 0) + checkLength;
  if (length > MAX_PACKET_LENGTH) throw new OsdpEncodeError(`packet of ${length} bytes exceeds ${MAX_PACKET_LENGTH}`);
  const mark = options.mark ?? true;
  const out = Buffer.alloc((mark ? 1 : 0) + length);
  let i = 0;
  if (mark) out[i++] = OSDP_MARK;
  const som = i;
  out[i++] = OSDP_SOM;
  out[i++] = fields.address | (fields.reply ? OSDP_REPLY_FLAG : 0);
  out[i++] = length & 0xff;
  out[i++] = length >> 8;
  out[i++] = (fields.sequence & CTRL_SEQUENCE_MASK) | (check === 'crc' ? CTRL_CRC : 0) | (scb ? CTRL_SCB : 0);
  if (scb) i += scb.copy(out, i);
  out[i++] = fields.code;
  i += data.copy(out, i);
  if (hasMac) {
    const mac = options.mac!(out.subarray(som, i));
    if (mac.length < 4) throw new OsdpEncodeError('MAC function returned fewer than 4 bytes');
    for (let k = 0; k < 4; k++) out[i++] = mac[k]!;
  }
  if (check === 'crc') {
    const crc = crc16(out, som, i);
    out[i] = crc & 0xff;
    out[i + 1] = crc >> 8;
  } else {
    out[i] = checksum8(out, som, i);
  }
  return out;
}

export type FrameRejectReason = 'bad_length' | 'bad_check' | 'malformed' | 'truncated';

export interface FrameRejection {
  reason: FrameRejectReason;
  detail: string;
  bytes: Buffer;
}

export type ParseResult = { ok: true; packet: OsdpPacket } | { ok: false; rejection: FrameRejection };

/** Smallest packet: SOM ADDR LEN LEN CTRL CODE CKSUM. */
const MIN_LENGTH_CHECKSUM = 7;
const MIN_LENGTH_CRC = 8;

/**
 * Parses one complete packet starting at SOM (no mark byte), whose length is exactly
 * its LEN field. Checks the check characters and the security block's structure.
 */
export function parsePacket(frame: Buffer): ParseResult {
  const reject = (reason: FrameRejectReason, detail: string): ParseResult => ({
    ok: false,
    rejection: { reason, detail, bytes: Buffer.from(frame) },
  });
  if (frame.length < 5 || frame[0] !== OSDP_SOM) return reject('malformed', 'does not start with SOM');
  const length = frame[2]! | (frame[3]! << 8);
  if (length !== frame.length) return reject('bad_length', `LEN ${length} but ${frame.length} bytes`);
  const ctrl = frame[4]!;
  const check: CheckType = ctrl & CTRL_CRC ? 'crc' : 'checksum';
  const checkLength = check === 'crc' ? 2 : 1;
  if (length < (check === 'crc' ? MIN_LENGTH_CRC : MIN_LENGTH_CHECKSUM)) return reject('bad_length', `LEN ${length} is too short`);
  const bodyEnd = length - checkLength;
  if (check === 'crc') {
    const expected = crc16(frame, 0, bodyEnd);
    const actual = frame[bodyEnd]! | (frame[bodyEnd + 1]! << 8);
    if (expected !== actual) return reject('bad_check', `CRC ${hex16(actual)}, expected ${hex16(expected)}`);
  } else {
    const expected = checksum8(frame, 0, bodyEnd);
    if (expected !== frame[bodyEnd]) return reject('bad_check', `checksum ${hex8(frame[bodyEnd]!)}, expected ${hex8(expected)}`);
  }
  let i = 5;
  let scb: Buffer | null = null;
  if (ctrl & CTRL_SCB) {
    const scbLength = frame[i]!;
    if (scbLength < 2 || i + scbLength >= bodyEnd) return reject('malformed', `security block length ${scbLength} does not fit`);
    scb = Buffer.from(frame.subarray(i, i + scbLength));
    i += scbLength;
  }
  const code = frame[i]!;
  i += 1;
  let dataEnd = bodyEnd;
  let mac: Buffer | null = null;
  if (scb && scbHasMac(scb[1]!)) {
    dataEnd = bodyEnd - 4;
    if (dataEnd < i) return reject('malformed', 'too short for its MAC');
    mac = Buffer.from(frame.subarray(dataEnd, bodyEnd));
  }
  const addressByte = frame[1]!;
  return {
    ok: true,
    packet: {
      address: addressByte & 0x7f,
      reply: (addressByte & OSDP_REPLY_FLAG) !== 0,
      sequence: (ctrl & CTRL_SEQUENCE_MASK) as Sequence,
      check,
      scb,
      code,
      data: Buffer.from(frame.subarray(i, dataEnd)),
      mac,
      macInput: Buffer.from(frame.subarray(0, dataEnd)),
    },
  };
}

function hex8(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}

// ------------------------------------------------------------------ stream decoding

export interface DecodedFrame {
  packet: OsdpPacket;
  /** The packet's bytes from SOM to the last check character. */
  bytes: Buffer;
  /** `process.hrtime.bigint()` of the chunk that completed the frame. */
  receivedAtNs: bigint;
}

export interface FrameDecoderStats {
  frames: number;
  rejected: number;
  /** Bytes skipped while looking for SOM (mark bytes excluded). */
  noiseBytes: number;
}

export interface FrameDecoderOptions {
  onFrame: (frame: DecodedFrame) => void;
  onReject?: (rejection: FrameRejection) => void;
  /** Largest LEN accepted; larger is treated as noise. Default {@link MAX_PACKET_LENGTH}. */
  maxLength?: number;
  /**
   * A frame in progress that receives nothing for this long is abandoned and the bytes
   * after its SOM are scanned again. Default 50 ms. 0 disables the check.
   */
  interByteTimeoutMs?: number;
}

/**
 * Byte stream → OSDP packets. Feed it with `push`; it calls `onFrame` for every packet
 * whose check characters are right, and `onReject` for what it had to throw away.
 */
export class OsdpFrameDecoder {
  readonly stats: FrameDecoderStats = { frames: 0, rejected: 0, noiseBytes: 0 };
  private buffer: Buffer = Buffer.alloc(0);
  private lastByteAtNs = 0n;

  constructor(private readonly options: FrameDecoderOptions) {}

  /** Bytes held for a frame that has not completed yet. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /**
   * Bytes still missing from the frame in progress, when its LEN is known (the caller
   * extends its reply timeout by their wire time); null otherwise.
   */
  missingBytes(): number | null {
    if (this.buffer.length < 4 || this.buffer[0] !== OSDP_SOM) return null;
    const length = this.buffer[2]! | (this.buffer[3]! << 8);
    return Math.max(0, length - this.buffer.length);
  }

  push(chunk: Uint8Array, nowNs: bigint = process.hrtime.bigint()): void {
    const gapMs = this.options.interByteTimeoutMs ?? 50;
    if (gapMs > 0 && this.buffer.length > 0 && nowNs - this.lastByteAtNs > BigInt(Math.round(gapMs * 1e6))) {
      this.abandonPartial('frame stopped before its end');
    }
    this.lastByteAtNs = nowNs;
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    this.drain(nowNs);
  }

  /** Gives up on a frame in progress and looks for another SOM inside its bytes. */
  resync(): void {
    if (this.buffer.length > 0) this.abandonPartial('resynchronised by the caller');
  }

  /** Forgets everything buffered. */
  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  private abandonPartial(detail: string): void {
    const partial = this.buffer;
    this.buffer = Buffer.alloc(0);
    if (partial[0] === OSDP_SOM) this.reject({ reason: 'truncated', detail, bytes: Buffer.from(partial) });
    // A real frame may have started inside the abandoned one.
    const rest = partial.subarray(1);
    if (rest.length > 0) {
      this.buffer = Buffer.from(rest);
      this.drain(this.lastByteAtNs, false);
    }
  }

  private drain(nowNs: bigint, waitForMore = true): void {
    const maxLength = this.options.maxLength ?? MAX_PACKET_LENGTH;
    for (;;) {
      const som = this.buffer.indexOf(OSDP_SOM);
      if (som < 0) {
        this.countNoise(this.buffer);
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (som > 0) {
        this.countNoise(this.buffer.subarray(0, som));
        this.buffer = this.buffer.subarray(som);
      }
      if (this.buffer.length < 5) {
        if (waitForMore) return;
        this.skipSom('frame stopped before its header ended');
        continue;
      }
      const length = this.buffer[2]! | (this.buffer[3]! << 8);
      const minLength = this.buffer[4]! & CTRL_CRC ? MIN_LENGTH_CRC : MIN_LENGTH_CHECKSUM;
      if (length < minLength || length > maxLength) {
        this.reject({
          reason: 'bad_length',
          detail: `LEN ${length} outside ${minLength}-${maxLength}`,
          bytes: Buffer.from(this.buffer.subarray(0, 5)),
        });
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (this.buffer.length < length) {
        if (!waitForMore) {
          this.skipSom('frame stopped before its end');
          continue;
        }
        return;
      }
      const frame = Buffer.from(this.buffer.subarray(0, length));
      const parsed = parsePacket(frame);
      if (!parsed.ok) {
        this.reject(parsed.rejection);
        // The check characters decide where a frame ends; without them the SOM may be noise.
        this.buffer = this.buffer.subarray(parsed.rejection.reason === 'malformed' ? length : 1);
        continue;
      }
      this.buffer = this.buffer.subarray(length);
      this.stats.frames += 1;
      this.options.onFrame({ packet: parsed.packet, bytes: frame, receivedAtNs: nowNs });
    }
  }

  private skipSom(detail: string): void {
    this.reject({ reason: 'truncated', detail, bytes: Buffer.from(this.buffer) });
    this.buffer = this.buffer.subarray(1);
  }

  private countNoise(bytes: Uint8Array): void {
    for (const b of bytes) if (b !== OSDP_MARK) this.stats.noiseBytes += 1;
  }

  private reject(rejection: FrameRejection): void {
    this.stats.rejected += 1;
    try {
      this.options.onReject?.(rejection);
    } catch {
      // A listener's failure must not stop decoding.
    }
  }
}
