/**
 * Card data of osdp_RAW → a canonical credential (shared/src/credentials/credential.ts).
 *
 * Format 1 carries Wiegand bits, decoded through a format table; format 0 and bit
 * strings no format claims become `raw:<bits>:<hex>`. The table here is local and small
 * (26-bit H10301, 34-bit H10306, 37-bit H10304, checked against hardware.md's vectors);
 * the interface — `decodeRawCardData(format, bitCount, bytes)` returning a credential —
 * is what a site-wide Wiegand format table can sit behind when one exists.
 */
import { rawCredential, wiegandCredential } from '@acs/shared/credentials/credential';

/** osdp_RAW format codes. */
export const RAW_FORMAT_UNSPECIFIED = 0;
export const RAW_FORMAT_WIEGAND = 1;

/** A Wiegand layout: fields and parity bits by their 1-based position in transmission order. */
export interface WiegandLayout {
  id: string;
  bits: number;
  facility: { from: number; to: number };
  card: { from: number; to: number };
  parity: Array<{ bit: number; kind: 'even' | 'odd'; from: number; to: number }>;
}

export const LOCAL_WIEGAND_LAYOUTS: readonly WiegandLayout[] = [
  {
    id: 'h10301',
    bits: 26,
    facility: { from: 2, to: 9 },
    card: { from: 10, to: 25 },
    parity: [
      { bit: 1, kind: 'even', from: 2, to: 13 },
      { bit: 26, kind: 'odd', from: 14, to: 25 },
    ],
  },
  {
    id: 'h10306',
    bits: 34,
    facility: { from: 2, to: 17 },
    card: { from: 18, to: 33 },
    parity: [
      { bit: 1, kind: 'even', from: 2, to: 17 },
      { bit: 34, kind: 'odd', from: 18, to: 33 },
    ],
  },
  {
    id: 'h10304',
    bits: 37,
    facility: { from: 2, to: 17 },
    card: { from: 18, to: 36 },
    parity: [
      { bit: 1, kind: 'even', from: 2, to: 19 },
      { bit: 37, kind: 'odd', from: 19, to: 36 },
    ],
  },
];

/** Bit `n` (1-based, transmission order) of MSB-first packed data. */
function bitAt(bytes: Uint8Array, n: number): number {
  const index = n - 1;
  return (bytes[index >> 3]! >> (7 - (index & 7))) & 1;
}

function field(bytes: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let n = from; n <= to; n++) value = value * 2 + bitAt(bytes, n);
  return value;
}

/** The bit string as an unsigned number, in lowercase hex (no leading zeros). */
export function bitsToHex(bytes: Uint8Array, bitCount: number): string {
  let value = 0n;
  for (let n = 1; n <= bitCount; n++) value = (value << 1n) | BigInt(bitAt(bytes, n));
  return value.toString(16);
}

function parityHolds(bytes: Uint8Array, layout: WiegandLayout): boolean {
  return layout.parity.every((p) => {
    let ones = bitAt(bytes, p.bit);
    for (let n = p.from; n <= p.to; n++) ones += bitAt(bytes, n);
    return p.kind === 'even' ? ones % 2 === 0 : ones % 2 === 1;
  });
}

/** The Wiegand credential for a bit string one of `layouts` recognises (length and parity), else null. */
export function decodeWiegandBits(bitCount: number, bytes: Uint8Array, layouts: readonly WiegandLayout[] = LOCAL_WIEGAND_LAYOUTS): string | null {
  for (const layout of layouts) {
    if (layout.bits !== bitCount || !parityHolds(bytes, layout)) continue;
    return wiegandCredential(layout.id, field(bytes, layout.facility.from, layout.facility.to), field(bytes, layout.card.from, layout.card.to));
  }
  return null;
}

export class RawCardDataError extends Error {
  override readonly name = 'RawCardDataError';
}

/**
 * The credential of one osdp_RAW card read. Throws {@link RawCardDataError} when the
 * bit count and the data disagree or the bit string is too long for a credential.
 */
export function decodeRawCardData(format: number, bitCount: number, bytes: Uint8Array): string {
  if (!Number.isInteger(bitCount) || bitCount < 1 || bitCount > 256) throw new RawCardDataError(`bit count ${bitCount} outside 1-256`);
  if (bytes.length !== Math.ceil(bitCount / 8)) {
    throw new RawCardDataError(`${bitCount} bits need ${Math.ceil(bitCount / 8)} bytes, got ${bytes.length}`);
  }
  if (format === RAW_FORMAT_WIEGAND) {
    const wiegand = decodeWiegandBits(bitCount, bytes);
    if (wiegand) return wiegand;
  }
  return rawCredential(bitCount, bitsToHex(bytes, bitCount));
}

/** Packs a bit string ('0'/'1', transmission order) MSB first, as osdp_RAW carries it. */
export function packBits(bits: string): Buffer {
  if (!/^[01]*$/.test(bits)) throw new RangeError('bits must be a string of 0 and 1');
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}
