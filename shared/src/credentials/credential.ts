/**
 * A credential is what a reader reports, reduced to one canonical string so the agent
 * can look it up in O(1) and the server can keep "one physical card, one holder".
 *
 * | kind      | canonical form            | shown to people     |
 * |-----------|---------------------------|---------------------|
 * | EM4100    | `em4100:<tag decimal>`    | `0003887558`        |
 * | Wiegand   | `<format>:<facility>:<card>` e.g. `h10301:123:4567` | `123:4567` |
 * | chip UID  | `uid:<hex lowercase>`     | `04A1B2C3`          |
 * | other     | `raw:<bit count>:<hex>`   | `raw 26-bit 2f623ae`|
 * | QR code   | `qr:<token>`              | `QR 7f3a…`          |
 *
 * The format is data the reader configuration chooses; nothing downstream branches on
 * reader hardware.
 */
export type CredentialKind = 'em4100' | 'wiegand' | 'uid' | 'raw' | 'qr';

export interface ParsedCredential {
  kind: CredentialKind;
  /** Wiegand format id (e.g. `h10301`) for wiegand credentials. */
  format?: string;
  facility?: number;
  card?: number;
  tag?: number;
  uid?: string;
  bitCount?: number;
  hex?: string;
  /** A visitor's QR credential: the invitation's token, active only from check-in. */
  token?: string;
}

const EM4100 = /^em4100:(\d{1,10})$/;
const WIEGAND = /^([a-z][a-z0-9_-]{1,31}):(\d{1,10}):(\d{1,10})$/;
const UID = /^uid:([0-9a-f]{2,40})$/;
const RAW = /^raw:(\d{1,3}):([0-9a-f]{1,64})$/;
const QR = /^qr:([a-z0-9]{16,64})$/;

export function qrCredential(token: string): string {
  return `qr:${token.toLowerCase()}`;
}

export function em4100Credential(tag: number): string {
  return `em4100:${tag}`;
}

export function wiegandCredential(format: string, facility: number, card: number): string {
  return `${format}:${facility}:${card}`;
}

export function uidCredential(uid: Uint8Array | string): string {
  const hex = typeof uid === 'string' ? uid : Array.from(uid, (b) => b.toString(16).padStart(2, '0')).join('');
  return `uid:${hex.toLowerCase()}`;
}

export function rawCredential(bitCount: number, hex: string): string {
  return `raw:${bitCount}:${hex.toLowerCase()}`;
}

export function parseCredential(credential: string): ParsedCredential | null {
  // Every capture group below is mandatory, so a match always has it: the `!` only says so.
  let m = EM4100.exec(credential);
  if (m) {
    const tag = Number(m[1]);
    return tag <= 0xffffffff ? { kind: 'em4100', tag } : null;
  }
  m = UID.exec(credential);
  if (m) return m[1]!.length % 2 === 0 ? { kind: 'uid', uid: m[1]! } : null;
  m = RAW.exec(credential);
  if (m) return { kind: 'raw', bitCount: Number(m[1]), hex: m[2]! };
  m = QR.exec(credential);
  if (m) return { kind: 'qr', token: m[1]! };
  m = WIEGAND.exec(credential);
  if (m && m[1] !== 'em4100' && m[1] !== 'uid' && m[1] !== 'raw' && m[1] !== 'qr') {
    return { kind: 'wiegand', format: m[1]!, facility: Number(m[2]), card: Number(m[3]) };
  }
  return null;
}

export function isValidCredential(credential: string): boolean {
  return parseCredential(credential) !== null;
}

/** The way people read a card number: FC:CN for Wiegand, the 10-digit number printed on EM cards. */
export function displayCredential(credential: string): string {
  const parsed = parseCredential(credential);
  if (!parsed) return credential;
  switch (parsed.kind) {
    case 'em4100':
      return String(parsed.tag).padStart(10, '0');
    case 'wiegand':
      return `${parsed.facility}:${parsed.card}`;
    case 'uid':
      return parsed.uid!.toUpperCase();
    case 'raw':
      return `raw ${parsed.bitCount}-bit ${parsed.hex}`;
    case 'qr':
      return `QR ${parsed.token!.slice(0, 8)}…`;
  }
}
