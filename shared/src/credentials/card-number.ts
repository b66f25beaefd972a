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
 * Wiegand layouts are data (docs/hardware.md#wiegand-formats): each known format gives its field widths so a
 * facility code or card number that cannot fit the frame is refused at entry.
 */
import { em4100Credential, rawCredential, uidCredential, wiegandCredential } from './credential.js';
import { BUILT_IN_WIEGAND_FORMATS, BUILT_IN_WIEGAND_FORMAT_IDS } from './wiegand.js';

// The Wiegand layouts are the readers' own table (wiegand.ts), so a number typed here is
// the credential a reader of that format reports.
export const CARD_NUMBER_FORMATS = ['em4100', ...BUILT_IN_WIEGAND_FORMAT_IDS, 'uid', 'raw'] as const;
export type CardNumberFormat = string;

export type CardNumberResult = { ok: true; credential: string } | { ok: false; error: string };

const fail = (error: string): CardNumberResult => ({ ok: false, error });

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
  const layout = BUILT_IN_WIEGAND_FORMATS[format];
  if (!layout) return fail(`format must be one of: ${CARD_NUMBER_FORMATS.join(', ')}`);
  const m = /^(\d{1,10})\s*[:,/]\s*(\d{1,10})$/.exec(text);
  if (!m) return fail(`cardNumber: a ${layout.bits}-bit Wiegand number is facility:card, e.g. 123:4567`);
  const facility = Number(m[1]);
  const card = Number(m[2]);
  const facilityMax = 2 ** (layout.facility?.length ?? 0) - 1;
  const cardMax = 2 ** layout.card.length - 1;
  if (facility > facilityMax) return fail(`cardNumber: the facility code of ${format} is 0-${facilityMax}`);
  if (card > cardMax) return fail(`cardNumber: the card number of ${format} is 0-${cardMax}`);
  return { ok: true, credential: wiegandCredential(format, facility, card) };
}
