import { createHmac } from 'node:crypto';

/** Uppercase letters and digits only: `110101 19900307 123X` and `110101199003071 23x` are one number. */
export function normaliseIdNumber(value: string): string {
  return value
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

/** What a guard may see later: the last four characters (`**************123X`). */
export function maskIdNumber(value: string): string {
  const n = normaliseIdNumber(value);
  const shown = n.length <= 4 ? n.slice(-1) : n.slice(-4);
  return `${'*'.repeat(Math.max(4, n.length - shown.length))}${shown}`;
}

/**
 * Keyed hash, so a stolen database does not give the numbers back by trying every
 * birth date and region code (resident ID numbers have little entropy).
 */
export function hashIdNumber(value: string, key: Buffer): string {
  return createHmac('sha256', key)
    .update(`visitor-id\u0000${normaliseIdNumber(value)}`)
    .digest('hex');
}
