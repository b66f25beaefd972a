/**
 * Payloads of the OSDP commands the control panel sends and the replies it reads.
 * Parsers validate lengths and return null (or throw `OsdpReplyError`) on anything
 * malformed: a PD's bytes never become an exception further up.
 */
import { CAPABILITY, LED_COLOR } from './osdp-protocol.js';

export class OsdpReplyError extends Error {
  override readonly name = 'OsdpReplyError';
}

// ------------------------------------------------------------------ commands

/** Payload of osdp_ID and osdp_CAP: one byte, 0x00 ("standard" report). */
export const REPORT_REQUEST = Buffer.from([0x00]);

export type LedColor = (typeof LED_COLOR)[keyof typeof LED_COLOR];

/** Times in units of 100 ms, as the protocol carries them. */
export interface LedTemporary {
  onTime: number;
  offTime: number;
  onColor: LedColor;
  offColor: LedColor;
  /** How long the temporary state lasts, in 100 ms units. */
  timer: number;
}

export interface LedPermanent {
  onTime: number;
  offTime: number;
  onColor: LedColor;
  offColor: LedColor;
}

export interface LedRequest {
  reader?: number;
  led?: number;
  /** Set and start the temporary state; null leaves it (cancel with `cancelTemporary`). */
  temporary?: LedTemporary | null;
  cancelTemporary?: boolean;
  permanent?: LedPermanent | null;
}

function byte(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`${what} must be 0-255, got ${value}`);
  return value;
}

/** One 14-byte osdp_LED record. */
export function ledPayload(request: LedRequest): Buffer {
  const t = request.temporary;
  const p = request.permanent;
  const timer = t ? t.timer : 0;
  if (!Number.isInteger(timer) || timer < 0 || timer > 0xffff) throw new RangeError(`LED timer must be 0-65535, got ${timer}`);
  return Buffer.from([
    byte(request.reader ?? 0, 'reader'),
    byte(request.led ?? 0, 'led'),
    t ? 0x02 : request.cancelTemporary ? 0x01 : 0x00,
    byte(t?.onTime ?? 0, 'temporary on time'),
    byte(t?.offTime ?? 0, 'temporary off time'),
    t?.onColor ?? 0,
    t?.offColor ?? 0,
    timer & 0xff,
    timer >> 8,
    p ? 0x01 : 0x00,
    byte(p?.onTime ?? 0, 'permanent on time'),
    byte(p?.offTime ?? 0, 'permanent off time'),
    p?.onColor ?? 0,
    p?.offColor ?? 0,
  ]);
}

export interface BuzzerRequest {
  reader?: number;
  /** 0 no tone / off, 1 off, 2 default tone. */
  tone: number;
  /** 100 ms units. */
  onTime: number;
  offTime: number;
  /** Repetitions; 0 repeats until the next command. */
  count: number;
}

export function buzzerPayload(request: BuzzerRequest): Buffer {
  return Buffer.from([
    byte(request.reader ?? 0, 'reader'),
    byte(request.tone, 'tone'),
    byte(request.onTime, 'on time'),
    byte(request.offTime, 'off time'),
    byte(request.count, 'count'),
  ]);
}

export function comsetPayload(address: number, baudRate: number): Buffer {
  if (!Number.isInteger(address) || address < 0 || address > 0x7e) throw new RangeError(`address must be 0-126, got ${address}`);
  if (!Number.isInteger(baudRate) || baudRate <= 0 || baudRate > 0xffffffff)
    throw new RangeError(`baud rate must be a positive 32-bit number`);
  const out = Buffer.alloc(5);
  out[0] = address;
  out.writeUInt32LE(baudRate, 1);
  return out;
}

/** osdp_KEYSET: key type 1 (SCBK), length 16, the key. */
export function keysetPayload(key: Uint8Array): Buffer {
  if (key.length !== 16) throw new RangeError(`an SCBK is 16 bytes, got ${key.length}`);
  return Buffer.concat([Buffer.from([0x01, 16]), key]);
}

// ------------------------------------------------------------------ replies

export interface PdIdentity {
  /** IEEE OUI, hex in wire order (e.g. `0a1b2c`). */
  vendorCode: string;
  model: number;
  version: number;
  serialNumber: number;
  /** major.minor.build */
  firmware: string;
}

export function parsePdid(data: Buffer): PdIdentity {
  if (data.length < 12) throw new OsdpReplyError(`osdp_PDID needs 12 bytes, got ${data.length}`);
  return {
    vendorCode: data.subarray(0, 3).toString('hex'),
    model: data[3]!,
    version: data[4]!,
    serialNumber: data.readUInt32LE(5),
    firmware: `${data[9]}.${data[10]}.${data[11]}`,
  };
}

export interface PdCapability {
  function: number;
  compliance: number;
  items: number;
}

export function parsePdcap(data: Buffer): PdCapability[] {
  if (data.length === 0 || data.length % 3 !== 0) throw new OsdpReplyError(`osdp_PDCAP needs a multiple of 3 bytes, got ${data.length}`);
  const out: PdCapability[] = [];
  for (let i = 0; i < data.length; i += 3) out.push({ function: data[i]!, compliance: data[i + 1]!, items: data[i + 2]! });
  return out;
}

/** What the agent uses of a PD's capabilities. */
export interface CapabilitySummary {
  leds: number;
  buzzer: boolean;
  /** The PD checks and sends CRC-16 (else the one-byte checksum). */
  crc: boolean;
  secureChannel: boolean;
  readers: number;
}

export function summariseCapabilities(caps: readonly PdCapability[]): CapabilitySummary {
  const find = (fn: number) => caps.find((c) => c.function === fn);
  const led = find(CAPABILITY.READER_LED);
  const audible = find(CAPABILITY.READER_AUDIBLE);
  const check = find(CAPABILITY.CHECK_CHARACTER);
  const security = find(CAPABILITY.COMMUNICATION_SECURITY);
  const readers = find(CAPABILITY.READERS);
  return {
    leds: led && led.compliance > 0 ? Math.max(1, led.items) : 0,
    buzzer: Boolean(audible && audible.compliance > 0),
    // A PD that does not say is assumed to handle CRC, as every v2 PD must.
    crc: check ? check.compliance >= 1 : true,
    secureChannel: Boolean(security && security.compliance >= 1),
    readers: readers ? readers.items : 0,
  };
}

export interface RawCardRead {
  reader: number;
  format: number;
  bitCount: number;
  data: Buffer;
}

export function parseRaw(data: Buffer): RawCardRead {
  if (data.length < 4) throw new OsdpReplyError(`osdp_RAW needs at least 4 bytes, got ${data.length}`);
  const bitCount = data.readUInt16LE(2);
  const bytes = Math.ceil(bitCount / 8);
  if (bitCount === 0 || data.length !== 4 + bytes) {
    throw new OsdpReplyError(`osdp_RAW says ${bitCount} bits but carries ${data.length - 4} data bytes`);
  }
  return { reader: data[0]!, format: data[1]!, bitCount, data: Buffer.from(data.subarray(4)) };
}

export interface KeypadRead {
  reader: number;
  /** Digits as typed: 0-9, `*` and `#`; anything else becomes `?`. */
  keys: string;
}

export function parseKeypad(data: Buffer): KeypadRead {
  if (data.length < 2 || data.length !== 2 + data[1]!)
    throw new OsdpReplyError(`osdp_KEYPAD length ${data.length} does not match its count`);
  let keys = '';
  for (const b of data.subarray(2)) {
    if (b >= 0x30 && b <= 0x39) keys += String.fromCharCode(b);
    else if (b === 0x7f) keys += '*';
    else if (b === 0x0d) keys += '#';
    else keys += '?';
  }
  return { reader: data[0]!, keys };
}

/** osdp_LSTATR: the PD's tamper switch and power monitor (each 0 normal, 1 alarm). */
export interface LocalStatus {
  tamper: boolean;
  powerFailure: boolean;
}

export function parseLocalStatus(data: Buffer): LocalStatus {
  if (data.length !== 2) throw new OsdpReplyError(`osdp_LSTATR needs 2 bytes, got ${data.length}`);
  if (data[0]! > 1 || data[1]! > 1) throw new OsdpReplyError(`osdp_LSTATR values must be 0 or 1, got ${data[0]} and ${data[1]}`);
  return { tamper: data[0] === 1, powerFailure: data[1] === 1 };
}

export interface ComSettings {
  address: number;
  baudRate: number;
}

export function parseCom(data: Buffer): ComSettings {
  if (data.length !== 5) throw new OsdpReplyError(`osdp_COM needs 5 bytes, got ${data.length}`);
  return { address: data[0]!, baudRate: data.readUInt32LE(1) };
}
