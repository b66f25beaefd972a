/**
 * Keyboard-wedge style readers send a card number as text and a line end
 * (docs/hardware.md#line-readers): `0003887558\r\n`, `123,4567`, `04A1B2C3`.
 * The text format varies by vendor, so it is configuration: one of the common forms or
 * a regular expression with named groups. Lines are split by `LineDecoder` (CR, LF or
 * CRLF; overlong lines dropped) and turned into credentials by `parseLine`.
 */
import { INVITATION_PREFIX } from '@acs/shared/api/reception';
import { em4100Credential, qrCredential, uidCredential, wiegandCredential } from '@acs/shared/credentials/credential';
import type { WiegandFormat } from '@acs/shared/credentials/wiegand';

export type LineFormat =
  /** Exactly 10 decimal digits, the number printed on EM cards → `em4100:<n>`. */
  | { type: 'em4100-decimal' }
  /** `FC,CN` or `FC:CN` → `<format id>:<fc>:<cn>`, range-checked against the Wiegand format. */
  | { type: 'wiegand-fc-cn'; wiegandFormat: WiegandFormat }
  /** 4 to 10 bytes of hex, optionally separated by `:`, `-` or spaces → `uid:<hex>`. */
  | { type: 'hex-uid' }
  /** A QR scanner reading a visitor invitation (`ACSV1:<token>`) → `qr:<token>`. */
  | { type: 'qr-invitation' }
  /**
   * A site's own layout. Named groups: `tag` for em4100 (decimal, or hex with radix 16),
   * `facility` and `card` for wiegand, `uid` for uid.
   */
  | { type: 'regex'; pattern: RegExp; credential: 'em4100' | 'wiegand' | 'uid'; radix: 10 | 16; wiegandFormat?: WiegandFormat };

export type LineParseResult = { credential: string } | { error: string };

const TEN_DIGITS = /^\d{10}$/;
const FC_CN = /^(\d{1,10})\s*[,:]\s*(\d{1,10})$/;
const HEX_UID = /^[0-9a-fA-F]{2}(?:[:\- ]?[0-9a-fA-F]{2}){3,9}$/;
const HEX = /^[0-9a-fA-F]+$/;
const QR_TOKEN = /^[a-z0-9]{16,64}$/;
const MAX_EM4100 = 0xffffffff;

function wiegandFromNumbers(format: WiegandFormat, facilityText: string, cardText: string): LineParseResult {
  const facility = Number(facilityText);
  const card = Number(cardText);
  const facilityMax = format.facility ? 2 ** format.facility.length - 1 : 0;
  const cardMax = 2 ** format.card.length - 1;
  if (facility > facilityMax) return { error: `facility code ${facility} does not fit ${format.name} (0-${facilityMax})` };
  if (card > cardMax) return { error: `card number ${card} does not fit ${format.name} (0-${cardMax})` };
  return { credential: wiegandCredential(format.id, facility, card) };
}

function em4100FromText(text: string, radix: 10 | 16): LineParseResult {
  const valid = radix === 16 ? HEX.test(text) : /^\d+$/.test(text);
  const tag = valid ? parseInt(text, radix) : NaN;
  if (!Number.isSafeInteger(tag) || tag > MAX_EM4100) return { error: `'${text}' is not an EM4100 number (0-${MAX_EM4100})` };
  return { credential: em4100Credential(tag) };
}

/** The credential a line stands for, or why it does not stand for one. */
export function parseLine(line: string, format: LineFormat): LineParseResult {
  const text = line.trim();
  switch (format.type) {
    case 'em4100-decimal': {
      if (!TEN_DIGITS.test(text)) return { error: 'expected 10 decimal digits' };
      return em4100FromText(text, 10);
    }
    case 'wiegand-fc-cn': {
      const m = FC_CN.exec(text);
      if (!m) return { error: 'expected <facility>,<card> or <facility>:<card>' };
      return wiegandFromNumbers(format.wiegandFormat, m[1]!, m[2]!);
    }
    case 'hex-uid': {
      if (!HEX_UID.test(text)) return { error: 'expected 4 to 10 bytes of hex' };
      return { credential: uidCredential(text.replace(/[:\- ]/g, '')) };
    }
    case 'qr-invitation': {
      const token = text.startsWith(INVITATION_PREFIX) ? text.slice(INVITATION_PREFIX.length) : '';
      if (!QR_TOKEN.test(token)) return { error: `expected ${INVITATION_PREFIX}<16 to 64 lowercase letters and digits>` };
      return { credential: qrCredential(token) };
    }
    case 'regex': {
      const groups = format.pattern.exec(text)?.groups;
      if (!groups) return { error: `does not match ${format.pattern.source}` };
      if (format.credential === 'em4100') return em4100FromText(groups.tag ?? '', format.radix);
      if (format.credential === 'wiegand') {
        const facility = groups.facility ?? '0';
        const card = groups.card ?? '';
        if (!/^\d{1,10}$/.test(facility) || !/^\d{1,10}$/.test(card)) return { error: 'facility and card must be decimal numbers' };
        return wiegandFromNumbers(format.wiegandFormat!, facility, card);
      }
      const uid = groups.uid ?? '';
      if (!HEX.test(uid) || uid.length % 2 !== 0 || uid.length < 4 || uid.length > 40)
        return { error: `'${uid}' is not a hex UID of whole bytes` };
      return { credential: uidCredential(uid) };
    }
  }
}

export interface LineDecoderStats {
  lines: number;
  overlong: number;
}

/**
 * Splits bytes into lines at CR, LF or CRLF, across chunk boundaries. Empty lines are
 * skipped; a line longer than `maxLength` is dropped whole (reported once its end comes).
 */
export class LineDecoder {
  readonly stats: LineDecoderStats = { lines: 0, overlong: 0 };
  private current = '';
  private overlong = false;

  constructor(
    private readonly maxLength = 64,
    private readonly onOverlong?: (start: string) => void,
  ) {}

  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    for (const byte of chunk) {
      if (byte === 0x0d || byte === 0x0a) {
        if (this.overlong) {
          this.stats.overlong++;
          this.onOverlong?.(this.current);
        } else if (this.current.length > 0) {
          this.stats.lines++;
          lines.push(this.current);
        }
        this.current = '';
        this.overlong = false;
        continue;
      }
      if (this.current.length >= this.maxLength) {
        this.overlong = true;
        continue;
      }
      this.current += String.fromCharCode(byte);
    }
    return lines;
  }

  /** Forgets a partial line (after the port was reopened). */
  reset(): void {
    this.current = '';
    this.overlong = false;
  }
}
