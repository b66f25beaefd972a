/**
 * Card data of osdp_RAW → a canonical credential (shared/src/credentials/credential.ts).
 *
 * Format 1 carries Wiegand bits, decoded through the shared Wiegand format table
 * (`decodeWiegand`, the same code and formats a GPIO Wiegand reader uses): the reader's
 * configured formats, every built-in one by default. Format 0, and bit strings none of
 * those formats claims (no format of that length, or parity that does not check), become
 * `raw:<bits>:<hex>` with the hex written as the Wiegand reader writes it. Unlike a
 * Wiegand wire, an OSDP reply arrives CRC-checked, so a bit string that fits no format is
 * the card's own encoding, not line noise: it is kept, never guessed, never dropped.
 */
import { rawCredential, wiegandCredential } from '@acs/shared/credentials/credential';
import {
  BUILT_IN_WIEGAND_FORMATS,
  bitsToHex,
  decodeWiegand,
  isWiegandDecodeError,
  type WiegandBit,
  type WiegandFormat,
} from '@acs/shared/credentials/wiegand';

/** osdp_RAW format codes. */
export const RAW_FORMAT_UNSPECIFIED = 0;
export const RAW_FORMAT_WIEGAND = 1;

/** Longest bit string a RAW reply may carry here: a `raw:` credential holds at most 64 hex digits. */
export const MAX_RAW_BITS = 256;

export const DEFAULT_RAW_WIEGAND_FORMATS: readonly WiegandFormat[] = Object.values(BUILT_IN_WIEGAND_FORMATS);

export class RawCardDataError extends Error {
  override readonly name = 'RawCardDataError';
}

/** The first `bitCount` bits of MSB-first packed data, in transmission order. */
export function unpackBits(bytes: Uint8Array, bitCount: number): WiegandBit[] {
  const bits: WiegandBit[] = [];
  for (let index = 0; index < bitCount; index++) bits.push(((bytes[index >> 3]! >> (7 - (index & 7))) & 1) as WiegandBit);
  return bits;
}

/**
 * The credential of one osdp_RAW card read. Throws {@link RawCardDataError} when the
 * bit count and the data disagree or the bit string is too long for a credential.
 */
export function decodeRawCardData(
  format: number,
  bitCount: number,
  bytes: Uint8Array,
  formats: readonly WiegandFormat[] = DEFAULT_RAW_WIEGAND_FORMATS,
): string {
  if (!Number.isInteger(bitCount) || bitCount < 1 || bitCount > MAX_RAW_BITS)
    throw new RawCardDataError(`bit count ${bitCount} outside 1-${MAX_RAW_BITS}`);
  if (bytes.length !== Math.ceil(bitCount / 8)) {
    throw new RawCardDataError(`${bitCount} bits need ${Math.ceil(bitCount / 8)} bytes, got ${bytes.length}`);
  }
  const bits = unpackBits(bytes, bitCount);
  if (format === RAW_FORMAT_WIEGAND) {
    const result = decodeWiegand(bits, formats);
    if (!isWiegandDecodeError(result)) return wiegandCredential(result.format.id, result.facility, result.card);
  }
  return rawCredential(bitCount, bitsToHex(bits));
}

/** Packs a bit string ('0'/'1', transmission order) MSB first, as osdp_RAW carries it. */
export function packBits(bits: string): Buffer {
  if (!/^[01]*$/.test(bits)) throw new RangeError('bits must be a string of 0 and 1');
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}
