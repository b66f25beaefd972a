/**
 * Wiegand formats as data (docs/hardware.md#wiegand-formats): a frame's bit count, where the
 * facility and card fields sit, and each parity bit with the positions it covers. A site
 * describes its own layouts in the agent configuration with `wiegandFormatSchema`; no
 * code branches on a format.
 *
 * Bits are numbered from 1 in transmission order (bit 1 is sent first) and fields are
 * most significant bit first. Parity bits are computed in the order they are listed, so a
 * parity over "all other bits" (Corporate 1000's bit 1) is listed last and sees the
 * parity bits before it.
 */
import { z } from 'zod';

export type WiegandBit = 0 | 1;
/** A frame in transmission order. */
export type WiegandBits = readonly WiegandBit[];

/** A run of bits holding a number, most significant bit first. */
export interface WiegandField {
  /** Position of the field's first (most significant) bit, from 1. */
  start: number;
  length: number;
}

export interface WiegandParity {
  /** Position of the parity bit, from 1. */
  bit: number;
  /** `even`: the covered bits and the parity bit hold an even number of ones; `odd`: an odd number. */
  type: 'even' | 'odd';
  /** Positions the parity bit covers, ascending, never the parity bit itself. */
  covers: readonly number[];
}

export interface WiegandFormat {
  /** Prefix of the credential string (`h10301` → `h10301:123:4567`). */
  id: string;
  name: string;
  bits: number;
  /** Absent in formats without a facility code; the credential then carries facility 0. */
  facility?: WiegandField;
  card: WiegandField;
  /** In evaluation order. */
  parity: readonly WiegandParity[];
}

export interface WiegandNumber {
  facility: number;
  card: number;
}

export interface WiegandParityFailure {
  format: string;
  bit: number;
  type: 'even' | 'odd';
}

export type WiegandDecodeError =
  /** No configured format has this many bits. */
  | { error: 'bit_count'; bitCount: number; message: string }
  /** Formats of this length exist, but each has a parity bit that does not check. */
  | { error: 'parity'; bitCount: number; message: string; failures: WiegandParityFailure[] };

export type WiegandDecodeResult = ({ format: WiegandFormat } & WiegandNumber) | WiegandDecodeError;

export const MAX_WIEGAND_BITS = 128;
/** Facility and card numbers travel in credential strings of at most 10 digits. */
export const MAX_WIEGAND_FIELD_BITS = 32;

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let p = from; p <= to; p++) out.push(p);
  return out;
}

/** Positions `from..to` whose remainder modulo 3 is one of `keep` (Corporate 1000's interleaved masks). */
function interleaved(from: number, to: number, keep: readonly number[]): number[] {
  return range(from, to).filter((p) => keep.includes(p % 3));
}

/**
 * The formats of docs/hardware.md#wiegand-formats. Corporate 1000 masks: 35-bit as HID publishes it (bit 2
 * even over 3-4, 6-7, …, 33-34; bit 35 odd over 2-3, 5-6, …, 32-33); 48-bit shifted by one
 * position (bit 2 even over 4-5, 7-8, …, 46-47; bit 48 odd over 3-4, 6-7, …, 45-46), as
 * in the vendor SDK masks 0x1B6DB6DB6DB6 / 0x36DB6DB6DB6C and Proxmark3's C1k48s.
 */
export const BUILT_IN_WIEGAND_FORMATS: Readonly<Record<string, WiegandFormat>> = {
  h10301: {
    id: 'h10301',
    name: 'HID H10301 26-bit',
    bits: 26,
    facility: { start: 2, length: 8 },
    card: { start: 10, length: 16 },
    parity: [
      { bit: 1, type: 'even', covers: range(2, 13) },
      { bit: 26, type: 'odd', covers: range(14, 25) },
    ],
  },
  h10306: {
    id: 'h10306',
    name: 'HID H10306 34-bit',
    bits: 34,
    facility: { start: 2, length: 16 },
    card: { start: 18, length: 16 },
    parity: [
      { bit: 1, type: 'even', covers: range(2, 17) },
      { bit: 34, type: 'odd', covers: range(18, 33) },
    ],
  },
  'corp1000-35': {
    id: 'corp1000-35',
    name: 'HID Corporate 1000 35-bit',
    bits: 35,
    facility: { start: 3, length: 12 },
    card: { start: 15, length: 20 },
    parity: [
      { bit: 2, type: 'even', covers: interleaved(3, 34, [0, 1]) },
      { bit: 35, type: 'odd', covers: interleaved(2, 33, [2, 0]) },
      { bit: 1, type: 'odd', covers: range(2, 35) },
    ],
  },
  h10304: {
    id: 'h10304',
    name: 'HID H10304 37-bit',
    bits: 37,
    facility: { start: 2, length: 16 },
    card: { start: 18, length: 19 },
    parity: [
      { bit: 1, type: 'even', covers: range(2, 19) },
      { bit: 37, type: 'odd', covers: range(19, 36) },
    ],
  },
  'corp1000-48': {
    id: 'corp1000-48',
    name: 'HID Corporate 1000 48-bit',
    bits: 48,
    facility: { start: 3, length: 22 },
    card: { start: 25, length: 23 },
    parity: [
      { bit: 2, type: 'even', covers: interleaved(4, 47, [1, 2]) },
      { bit: 48, type: 'odd', covers: interleaved(3, 46, [0, 1]) },
      { bit: 1, type: 'odd', covers: range(2, 48) },
    ],
  },
};

export const BUILT_IN_WIEGAND_FORMAT_IDS = Object.keys(BUILT_IN_WIEGAND_FORMATS);

function fieldMax(field: WiegandField | undefined): number {
  return field ? 2 ** field.length - 1 : 0;
}

/** The frame for `number` in `format`, parity bits computed in the format's order. */
export function encodeWiegand(format: WiegandFormat, number: WiegandNumber): WiegandBit[] {
  const { facility, card } = number;
  if (!Number.isInteger(facility) || facility < 0 || facility > fieldMax(format.facility)) {
    throw new RangeError(`facility code ${facility} does not fit ${format.name} (0-${fieldMax(format.facility)})`);
  }
  if (!Number.isInteger(card) || card < 0 || card > fieldMax(format.card)) {
    throw new RangeError(`card number ${card} does not fit ${format.name} (0-${fieldMax(format.card)})`);
  }
  const bits = new Array<WiegandBit>(format.bits).fill(0);
  const put = (field: WiegandField, value: number) => {
    for (let i = 0; i < field.length; i++) {
      // Division instead of shifts: fields may be up to 32 bits wide.
      bits[field.start - 1 + i] = (Math.floor(value / 2 ** (field.length - 1 - i)) % 2) as WiegandBit;
    }
  };
  if (format.facility) put(format.facility, facility);
  put(format.card, card);
  for (const parity of format.parity) {
    const ones = countOnes(bits, parity.covers);
    bits[parity.bit - 1] = (parity.type === 'even' ? ones % 2 : 1 - (ones % 2)) as WiegandBit;
  }
  return bits;
}

function countOnes(bits: WiegandBits, positions: readonly number[]): number {
  let ones = 0;
  for (const p of positions) ones += bits[p - 1]!;
  return ones;
}

function readField(bits: WiegandBits, field: WiegandField): number {
  let value = 0;
  for (let i = 0; i < field.length; i++) value = value * 2 + bits[field.start - 1 + i]!;
  return value;
}

/** The parity bits of `format` that do not check in `bits` (same length assumed). */
export function failedParities(format: WiegandFormat, bits: WiegandBits): WiegandParityFailure[] {
  const failures: WiegandParityFailure[] = [];
  for (const parity of format.parity) {
    const ones = countOnes(bits, parity.covers) + bits[parity.bit - 1]!;
    if ((parity.type === 'even' ? ones % 2 : (ones + 1) % 2) !== 0)
      failures.push({ format: format.id, bit: parity.bit, type: parity.type });
  }
  return failures;
}

/**
 * Decodes a frame with the first of `formats` whose length matches and whose parity
 * bits all check. Formats of other lengths are not candidates.
 */
export function decodeWiegand(bits: WiegandBits, formats: readonly WiegandFormat[]): WiegandDecodeResult {
  const candidates = formats.filter((f) => f.bits === bits.length);
  if (candidates.length === 0) {
    const lengths = [...new Set(formats.map((f) => f.bits))].sort((a, b) => a - b).join(', ');
    return {
      error: 'bit_count',
      bitCount: bits.length,
      message: `${bits.length}-bit frame: no configured format has ${bits.length} bits (configured: ${lengths || 'none'})`,
    };
  }
  const failures: WiegandParityFailure[] = [];
  for (const format of candidates) {
    const failed = failedParities(format, bits);
    if (failed.length === 0) {
      return { format, facility: format.facility ? readField(bits, format.facility) : 0, card: readField(bits, format.card) };
    }
    failures.push(...failed);
  }
  const detail = failures.map((f) => `${f.format} bit ${f.bit} (${f.type})`).join(', ');
  return { error: 'parity', bitCount: bits.length, failures, message: `${bits.length}-bit frame: parity failed: ${detail}` };
}

export function isWiegandDecodeError(result: WiegandDecodeResult): result is WiegandDecodeError {
  return 'error' in result;
}

/** `'1011…'` → bits; throws on other characters. */
export function bitsFromString(text: string): WiegandBit[] {
  if (!/^[01]*$/.test(text)) throw new Error(`not a bit string: '${text}'`);
  return Array.from(text, (c) => (c === '1' ? 1 : 0));
}

export function bitsToString(bits: WiegandBits): string {
  return bits.join('');
}

/** The frame as a number in lower-case hex (first bit most significant), `ceil(n/4)` digits. */
export function bitsToHex(bits: WiegandBits): string {
  const pad = (4 - (bits.length % 4)) % 4;
  let hex = '';
  let nibble = 0;
  let filled = pad;
  for (const bit of bits) {
    nibble = nibble * 2 + bit;
    if (++filled === 4) {
      hex += nibble.toString(16);
      nibble = 0;
      filled = 0;
    }
  }
  return hex;
}

// ------------------------------------------------------------ configuration

const positionSchema = z.number().int().min(1).max(MAX_WIEGAND_BITS);

const fieldSchema = z.strictObject({
  /** First (most significant) bit, from 1. */
  start: positionSchema,
  length: z.number().int().min(1).max(MAX_WIEGAND_FIELD_BITS),
});

/** `5`, a range `'2-13'`, or a list of both; checked by hand so each error says what is wrong. */
const coversSchema = z
  .union([z.string(), z.array(z.union([z.number(), z.string()])).min(1)], {
    error: "expected 'all-others' or a list of bit positions and ranges such as [1, '3-7']",
  })
  .transform((value, ctx): number[] | 'all-others' => {
    if (value === 'all-others') return value;
    if (typeof value === 'string') {
      ctx.addIssue({ code: 'custom', message: `expected 'all-others' or a list such as ['${value}'], got '${value}'` });
      return z.NEVER;
    }
    const positions: number[] = [];
    value.forEach((item, i) => {
      if (typeof item === 'number') {
        if (Number.isInteger(item) && item >= 1 && item <= MAX_WIEGAND_BITS) positions.push(item);
        else
          ctx.addIssue({ code: 'custom', path: [i], message: `bit position ${item} must be a whole number from 1 to ${MAX_WIEGAND_BITS}` });
        return;
      }
      const m = /^(\d{1,3})-(\d{1,3})$/.exec(item);
      const from = Number(m?.[1]);
      const to = Number(m?.[2]);
      if (!m || from < 1 || to > MAX_WIEGAND_BITS || from > to) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `range '${item}' must be 'first-last', running upwards within 1-${MAX_WIEGAND_BITS}`,
        });
        return;
      }
      positions.push(...range(from, to));
    });
    return positions;
  });

const paritySchema = z.strictObject({
  bit: positionSchema,
  type: z.enum(['even', 'odd']),
  /** Positions and ranges, or `all-others`: every bit of the frame but this one. */
  covers: coversSchema,
});

/** A format id usable as a credential prefix (see `credential.ts`). */
export const wiegandFormatIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,31}$/, 'lowercase letters, digits, - and _, starting with a letter (2-32 characters)')
  .refine((id) => !['em4100', 'uid', 'raw'].includes(id), 'em4100, uid and raw are reserved credential kinds');

/**
 * A custom layout from configuration, checked for consistency and resolved into a
 * `WiegandFormat`. Bits in no field and no parity are sent as 0 and not checked.
 */
export const wiegandFormatSchema = z
  .strictObject({
    id: wiegandFormatIdSchema,
    name: z.string().min(1).max(80).optional(),
    bits: z.number().int().min(4).max(MAX_WIEGAND_BITS),
    facility: fieldSchema.optional(),
    card: fieldSchema,
    parity: z.array(paritySchema).default([]),
  })
  .transform((raw, ctx): WiegandFormat => {
    const outside = (field: WiegandField) => field.start + field.length - 1 > raw.bits;
    const owner = new Map<number, string>();
    const claim = (positions: number[], what: string, path: (string | number)[]) => {
      for (const p of positions) {
        const other = owner.get(p);
        if (other) {
          ctx.addIssue({ code: 'custom', path, message: `bit ${p} is already used by ${other}` });
          return;
        }
        owner.set(p, what);
      }
    };
    for (const name of ['facility', 'card'] as const) {
      const field = raw[name];
      if (!field) continue;
      if (outside(field)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `bits ${field.start}-${field.start + field.length - 1} run past the ${raw.bits}-bit frame`,
        });
      } else {
        claim(range(field.start, field.start + field.length - 1), `the ${name} field`, [name]);
      }
    }
    const parity: WiegandParity[] = [];
    raw.parity.forEach((p, i) => {
      if (p.bit > raw.bits) {
        ctx.addIssue({ code: 'custom', path: ['parity', i, 'bit'], message: `bit ${p.bit} is outside the ${raw.bits}-bit frame` });
        return;
      }
      claim([p.bit], `parity[${i}]`, ['parity', i, 'bit']);
      const covers =
        p.covers === 'all-others' ? range(1, raw.bits).filter((q) => q !== p.bit) : [...new Set(p.covers)].sort((a, b) => a - b);
      const bad = covers.find((q) => q > raw.bits || q === p.bit);
      if (bad !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['parity', i, 'covers'],
          message: bad === p.bit ? `a parity bit cannot cover itself (bit ${bad})` : `bit ${bad} is outside the ${raw.bits}-bit frame`,
        });
        return;
      }
      parity.push({ bit: p.bit, type: p.type, covers });
    });
    // A parity that covers another parity bit needs that bit computed first.
    parity.forEach((p, i) => {
      parity.forEach((later, j) => {
        if (j > i && p.covers.includes(later.bit)) {
          ctx.addIssue({
            code: 'custom',
            path: ['parity', i, 'covers'],
            message: `covers parity bit ${later.bit}, which is computed later (parity[${j}]); list parity[${i}] after it`,
          });
        }
      });
    });
    return {
      id: raw.id,
      name: raw.name ?? `${raw.id} (${raw.bits}-bit, custom)`,
      bits: raw.bits,
      ...(raw.facility ? { facility: raw.facility } : {}),
      card: raw.card,
      parity,
    };
  });

export type WiegandFormatConfig = z.input<typeof wiegandFormatSchema>;

/**
 * A reader's list of formats in configuration: built-in ids and custom layouts, tried in
 * order. Ids must be unique.
 */
export const wiegandFormatListSchema = z
  .array(z.unknown())
  .min(1)
  .transform((items, ctx) => {
    const formats: WiegandFormat[] = [];
    const seen = new Set<string>();
    items.forEach((item, i) => {
      let format: WiegandFormat | undefined;
      if (typeof item === 'string') {
        format = BUILT_IN_WIEGAND_FORMATS[item];
        if (!format) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `'${item}' is not a built-in format (${BUILT_IN_WIEGAND_FORMAT_IDS.join(', ')}); describe other layouts with id, bits, card and parity`,
          });
          return;
        }
      } else {
        // Parsed one by one (not as a union) so an error names the field of the layout.
        const result = wiegandFormatSchema.safeParse(item);
        if (!result.success) {
          for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: [i, ...issue.path], message: issue.message });
          return;
        }
        format = result.data;
      }
      if (seen.has(format.id)) ctx.addIssue({ code: 'custom', path: [i], message: `format id '${format.id}' is listed twice` });
      seen.add(format.id);
      formats.push(format);
    });
    return formats;
  });
