/**
 * Card numbers as people type them (the number printed on the card or shown by an
 * enrolment reader), turned into the canonical credential of `credential.ts`.
 *
 * | format   | people type                          | credential              |
 * |----------|--------------------------------------|-------------------------|
 * | em4100   | `0003887558` or `059,20934` (8+16 bit) | `em4100:3887558`      |
 * | h10301…  | `123:4567` (facility:card, `,` also) | `h10301:123:4567`       |
 * | uid      | `04A1B2C3` (`04:A1:B2:C3` too)       | `uid:04a1b2c3`          |
 * | raw      | `26:2f623ae` (bit count:hex)         | `raw:26:2f623ae`        |
 *
 * Wiegand layouts are data (hardware.md): each known format gives its field widths so a
 * facility code or card number that cannot fit the frame is refused at entry.
 */
import { em4100Credential, rawCredential, uidCredential, wiegandCredential } from './credential.js';

export interface WiegandFormat {
  id: string;
  /** Frame length in bits. */
  bits: number;
  /** Width of the facility (company) code field. */
  facilityBits: number;
  /** Width of the card number field. */
  cardBits: number;
}

/** The layouts of hardware.md, Wiegand table. */
export const WIEGAND_FORMATS: readonly WiegandFormat[] = [
  { id: 'h10301', bits: 26, facilityBits: 8, cardBits: 16 },
  { id: 'h10306', bits: 34, facilityBits: 16, cardBits: 16 },
  { id: 'c1k35', bits: 35, facilityBits: 12, cardBits: 20 },
  { id: 'h10304', bits: 37, facilityBits: 16, cardBits: 19 },
  { id: 'c1k48', bits: 48, facilityBits: 22, cardBits: 23 },
];

export const CARD_NUMBER_FORMATS = ['em4100', ...WIEGAND_FORMATS.map((f) => f.id), 'uid', 'raw'] as const;
export type CardNumberFormat = string;

export type CardNumberResult = { ok: true; credential: string } | { ok: false; error: string };

const fail = (error: string): CardNumberResult => ({ ok: false, error });

export function wiegandFormat(id: string): WiegandFormat | undefined {
  return WIEGAND_FORMATS.find((f) => f.id === id);
}

/**
 * Converts what a person typed in a given format into the canonical credential, or says
 * what is wrong with it (in English; the dashboard shows the server's message).
 */
export function credentialFromCardNumber(format: string, input: string): CardNumberResult {
  const text = input.trim();
  if (!text) return fail('cardNumber is empty');
  if (format === 'em4100') {
    const pair = /^(\d{1,3})\s*[,:]\s*(\d{1,5})$/.exec(text);
    if (pair) {
      const high = Number(pair[1]);
      const low = Number(pair[2]);
      if (high > 255 || low > 65535) return fail('cardNumber: an EM4100 pair is 0-255,0-65535 (as printed beside the 10-digit number)');
      return { ok: true, credential: em4100Credential(high * 65536 + low) };
    }
    if (!/^\d{1,10}$/.test(text)) return fail('cardNumber: an EM4100 number is the 10 digits printed on the card, e.g. 0003887558');
    const tag = Number(text);
    if (tag > 0xffffffff) return fail('cardNumber: an EM4100 number is at most 4294967295');
    return { ok: true, credential: em4100Credential(tag) };
  }
  if (format === 'uid') {
    const hex = text.replace(/[\s:-]/g, '').toLowerCase();
    if (!/^[0-9a-f]+$/.test(hex) || hex.length % 2 !== 0 || hex.length < 8 || hex.length > 40) {
      return fail('cardNumber: a chip UID is 4 to 20 bytes of hexadecimal, e.g. 04A1B2C3');
    }
    return { ok: true, credential: uidCredential(hex) };
  }
  if (format === 'raw') {
    const m = /^(\d{1,3})\s*:\s*([0-9a-fA-F]{1,64})$/.exec(text);
    if (!m) return fail('cardNumber: raw data is <bit count>:<hex>, e.g. 26:2f623ae');
    const bits = Number(m[1]);
    if (bits < 1 || bits > 256) return fail('cardNumber: the bit count of raw data is 1-256');
    return { ok: true, credential: rawCredential(bits, m[2]!) };
  }
  const layout = wiegandFormat(format);
  if (!layout) return fail(`format must be one of: ${CARD_NUMBER_FORMATS.join(', ')}`);
  const m = /^(\d{1,10})\s*[:,/]\s*(\d{1,10})$/.exec(text);
  if (!m) return fail(`cardNumber: a ${layout.bits}-bit Wiegand number is facility:card, e.g. 123:4567`);
  const facility = Number(m[1]);
  const card = Number(m[2]);
  const facilityMax = 2 ** layout.facilityBits - 1;
  const cardMax = 2 ** layout.cardBits - 1;
  if (facility > facilityMax) return fail(`cardNumber: the facility code of ${format} is 0-${facilityMax}`);
  if (card > cardMax) return fail(`cardNumber: the card number of ${format} is 0-${cardMax}`);
  return { ok: true, credential: wiegandCredential(format, facility, card) };
}
