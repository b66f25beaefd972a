/**
 * The simulated PD's own OSDP wire code: framing, check characters and the secure
 * channel's cryptography, PD side. Written separately from the agent's control panel
 * code on purpose: two implementations that agree with each other and with the
 * published vectors (docs/hardware.md#osdp-test-vectors) are a better check than one talking to itself.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const SOM = 0x53;
export const MARK = 0xff;
export const SCBK_DEFAULT = Buffer.from([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f]);

/** CRC-16/AUG-CCITT, bit by bit. */
export function simCrc16(bytes: Uint8Array): number {
  let crc = 0x1d0f;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function simChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** A command as the PD sees it. */
export interface SimFrame {
  addressByte: number;
  sequence: number;
  crc: boolean;
  scb: Buffer | null;
  code: number;
  /** Data as received (encrypted for SCB 0x17). */
  data: Buffer;
  mac: Buffer | null;
  /** SOM … last data byte. */
  macInput: Buffer;
  /** Check characters were right. */
  checkOk: boolean;
}

/**
 * Splits a byte stream into frames. Frames with a bad check are still returned (the PD
 * answers them with NAK 1) as long as their length fits; bytes that cannot start a
 * frame are dropped.
 */
export class SimFrameReader {
  private pending = Buffer.alloc(0);

  push(chunk: Uint8Array): SimFrame[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: SimFrame[] = [];
    for (;;) {
      const start = this.pending.indexOf(SOM);
      if (start < 0) {
        this.pending = Buffer.alloc(0);
        break;
      }
      this.pending = this.pending.subarray(start);
      if (this.pending.length < 5) break;
      const length = this.pending.readUInt16LE(2);
      if (length < 7 || length > 1440) {
        this.pending = this.pending.subarray(1);
        continue;
      }
      if (this.pending.length < length) break;
      const frame = Buffer.from(this.pending.subarray(0, length));
      const parsed = parseSimFrame(frame);
      if (!parsed) {
        this.pending = this.pending.subarray(1);
        continue;
      }
      frames.push(parsed);
      this.pending = this.pending.subarray(parsed.checkOk ? length : 1);
    }
    return frames;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}

function parseSimFrame(frame: Buffer): SimFrame | null {
  const ctrl = frame[4]!;
  const crc = (ctrl & 0x04) !== 0;
  const end = frame.length - (crc ? 2 : 1);
  const body = frame.subarray(0, end);
  const checkOk = crc ? simCrc16(body) === frame.readUInt16LE(end) : simChecksum(body) === frame[end];
  let i = 5;
  let scb: Buffer | null = null;
  if (ctrl & 0x08) {
    const scbLength = frame[5]!;
    if (scbLength < 2 || i + scbLength >= end) return checkOk ? null : emptyFrame(frame, ctrl, crc);
    scb = Buffer.from(frame.subarray(i, i + scbLength));
    i += scbLength;
  }
  if (i >= end) return checkOk ? null : emptyFrame(frame, ctrl, crc);
  const code = frame[i]!;
  i += 1;
  const hasMac = scb !== null && scb[1]! >= 0x15 && scb[1]! <= 0x18;
  const dataEnd = hasMac ? end - 4 : end;
  if (dataEnd < i) return checkOk ? null : emptyFrame(frame, ctrl, crc);
  return {
    addressByte: frame[1]!,
    sequence: ctrl & 0x03,
    crc,
    scb,
    code,
    data: Buffer.from(frame.subarray(i, dataEnd)),
    mac: hasMac ? Buffer.from(frame.subarray(dataEnd, end)) : null,
    macInput: Buffer.from(frame.subarray(0, dataEnd)),
    checkOk,
  };
}

function emptyFrame(frame: Buffer, ctrl: number, crc: boolean): SimFrame {
  return {
    addressByte: frame[1]!,
    sequence: ctrl & 0x03,
    crc,
    scb: null,
    code: 0,
    data: Buffer.alloc(0),
    mac: null,
    macInput: Buffer.alloc(0),
    checkOk: false,
  };
}

export interface SimReplyFields {
  address: number;
  sequence: number;
  crc: boolean;
  scb: Buffer | null;
  code: number;
  data: Buffer;
}

/** A reply with the mark byte; `mac` gets SOM … last data byte and returns the 4 MAC bytes. */
export function buildSimReply(fields: SimReplyFields, mac?: (input: Buffer) => Buffer): Buffer {
  const head = Buffer.from([
    SOM,
    (fields.address & 0x7f) | 0x80,
    0,
    0,
    (fields.sequence & 3) | (fields.crc ? 0x04 : 0) | (fields.scb ? 0x08 : 0),
  ]);
  const withMac = fields.scb !== null && fields.scb[1]! >= 0x15;
  let body = Buffer.concat([head, fields.scb ?? Buffer.alloc(0), Buffer.from([fields.code]), fields.data]);
  const length = body.length + (withMac ? 4 : 0) + (fields.crc ? 2 : 1);
  body.writeUInt16LE(length, 2);
  if (withMac) body = Buffer.concat([body, mac!(body).subarray(0, 4)]);
  let check: Buffer;
  if (fields.crc) {
    check = Buffer.alloc(2);
    check.writeUInt16LE(simCrc16(body));
  } else {
    check = Buffer.from([simChecksum(body)]);
  }
  return Buffer.concat([Buffer.from([MARK]), body, check]);
}

// ------------------------------------------------------------------ secure channel, PD side

function ecb(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function cbc(key: Buffer, iv: Buffer, data: Buffer, decrypt = false): Buffer {
  const c = (decrypt ? createDecipheriv('aes-128-cbc', key, iv) : createCipheriv('aes-128-cbc', key, iv)).setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

function not(block: Buffer): Buffer {
  return Buffer.from(block.map((b) => 0xff - b));
}

export class SimSecureSession {
  readonly sEnc: Buffer;
  readonly sMac1: Buffer;
  readonly sMac2: Buffer;
  /** Last MAC of a command / of a reply (the chain values). */
  cmac: Buffer = Buffer.alloc(16);
  rmac: Buffer = Buffer.alloc(16);
  active = false;

  constructor(
    readonly scbk: Buffer,
    readonly usesDefaultKey: boolean,
    readonly cpRandom: Buffer,
    readonly pdRandom: Buffer,
  ) {
    const derive = (second: number) => ecb(scbk, Buffer.concat([Buffer.from([0x01, second]), cpRandom.subarray(0, 6), Buffer.alloc(8)]));
    this.sEnc = derive(0x82);
    this.sMac1 = derive(0x01);
    this.sMac2 = derive(0x02);
  }

  clientCryptogram(): Buffer {
    return ecb(this.sEnc, Buffer.concat([this.cpRandom, this.pdRandom]));
  }

  serverCryptogram(): Buffer {
    return ecb(this.sEnc, Buffer.concat([this.pdRandom, this.cpRandom]));
  }

  /** Called with the CP's SCRYPT cryptogram; on success the session starts with R-MAC-I. */
  accept(cpCryptogram: Buffer): Buffer | null {
    if (!cpCryptogram.equals(this.serverCryptogram())) return null;
    this.rmac = ecb(this.sMac2, ecb(this.sMac1, cpCryptogram));
    this.active = true;
    return this.rmac;
  }

  private mac(iv: Buffer, message: Buffer): Buffer {
    let blocks = message;
    if (blocks.length % 16 !== 0) {
      const padded = Buffer.alloc(Math.ceil((blocks.length + 1) / 16) * 16);
      blocks.copy(padded);
      padded[blocks.length] = 0x80;
      blocks = padded;
    }
    let chain = iv;
    for (let offset = 0; offset < blocks.length; offset += 16) {
      const last = offset + 16 === blocks.length;
      const block = Buffer.alloc(16);
      for (let k = 0; k < 16; k++) block[k] = blocks[offset + k]! ^ chain[k]!;
      chain = ecb(last ? this.sMac2 : this.sMac1, block);
    }
    return chain;
  }

  /** Checks a command's MAC (chain from the last reply MAC) and advances the command chain. */
  verifyCommand(macInput: Buffer, mac: Buffer): boolean {
    const full = this.mac(this.rmac, macInput);
    if (!full.subarray(0, 4).equals(mac)) return false;
    this.cmac = full;
    return true;
  }

  decryptCommand(data: Buffer): Buffer | null {
    if (data.length === 0 || data.length % 16 !== 0) return null;
    const plain = cbc(this.sEnc, not(this.rmac), data, true);
    let end = plain.length - 1;
    while (end > 0 && plain[end] === 0) end--;
    return plain[end] === 0x80 ? plain.subarray(0, end) : null;
  }

  encryptReply(data: Buffer): Buffer {
    const padded = Buffer.alloc(Math.ceil((data.length + 1) / 16) * 16);
    data.copy(padded);
    padded[data.length] = 0x80;
    return cbc(this.sEnc, not(this.cmac), padded);
  }

  /** MAC of a reply (chain from the command MAC); advances the reply chain. */
  macReply(macInput: Buffer): Buffer {
    this.rmac = this.mac(this.cmac, macInput);
    return this.rmac;
  }
}
