import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** Work factors of new hashes. Stored hashes carry their own, so these can be raised later. */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(secret: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.logN;
  // N=2^15, r=8 needs 32 MiB, which is exactly Node's default limit; leave room.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Memory-hard password hashing (scrypt from node:crypto), stored as
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` so the parameters travel with each hash.
 */
export class PasswordHasher {
  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {}

  async hash(secret: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(secret, salt, this.params, KEY_LENGTH);
    const { logN, r, p } = this.params;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** False for a wrong secret and for a stored value that is not a hash this class made. */
  async verify(secret: string, stored: string): Promise<boolean> {
    const m = FORMAT.exec(stored);
    if (!m) return false;
    const params: ScryptParams = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
    if (params.logN < 10 || params.logN > 22 || params.r < 1 || params.p < 1) return false;
    const salt = Buffer.from(m[4]!, 'base64');
    const expected = Buffer.from(m[5]!, 'base64');
    if (expected.length < 16) return false;
    const actual = await derive(secret, salt, params, expected.length);
    return timingSafeEqual(actual, expected);
  }

  /** True when the stored hash uses weaker parameters than new hashes would. */
  needsRehash(stored: string): boolean {
    const m = FORMAT.exec(stored);
    if (!m) return true;
    return Number(m[1]) < this.params.logN || Number(m[2]) < this.params.r || Number(m[3]) < this.params.p;
  }
}

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;

/**
 * The password policy for people (requirements §8): long enough, not one repeated
 * character, not the username, not a well-known password (nor one with digits or
 * punctuation appended). Returns the problem, or null when acceptable.
 */
export function passwordPolicyProblem(password: string, username?: string, minLength: number = MIN_PASSWORD_LENGTH): string | null {
  if (password.length < minLength) return `password must be at least ${minLength} characters long`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  if (/^(.)\1*$/u.test(password)) return 'password must not repeat a single character';
  const lower = password.toLowerCase();
  if (username && (lower === username.toLowerCase() || lower.replace(/[\d\W_]+$/u, '') === username.toLowerCase())) {
    return 'password must not equal the username';
  }
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON_PASSWORDS.has(lower) || (stem.length > 0 && COMMON_PASSWORDS.has(stem)) || /^\d+$/.test(password)) {
    return 'password is too common: choose one that is not on the lists attackers try first';
  }
  return null;
}

/** A random secret for machines (agent MQTT passwords): 24 random bytes, base64url. */
export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}
