import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** Work factors of new hashes. Stored hashes carry their own, so these can be raised later. */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet minimum for scrypt: N=2^17 (128 MiB), r=8, p=1.
 * Hashes made with less are upgraded at the next successful sign-in.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 17, r: 8, p: 1 };

/**
 * For machine secrets (agents' MQTT passwords): 24 random bytes, 192 bits that no amount of
 * guessing reaches, so a slow hash protects nothing and would only make a thousand agents
 * reconnecting after a restart cost minutes of CPU. Still scrypt, so one format and verifier.
 */
export const MACHINE_SECRET_SCRYPT_PARAMS: ScryptParams = { logN: 10, r: 8, p: 1 };

/**
 * Derivations running at once, at most. One at N=2^17 holds 128 MiB: unbounded, a burst of
 * sign-ins (or someone hammering the login) could take the server's memory.
 */
const MAX_CONCURRENT_DERIVATIONS = 2;
let running = 0;
let peak = 0;
const waiting: Array<() => void> = [];

/** How many derivations run now, at most so far, and wait (for tests and metrics). */
export function hashingLoad(): { running: number; peak: number; waiting: number } {
  return { running, peak, waiting: waiting.length };
}

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_DERIVATIONS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  peak = Math.max(peak, running);
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(secret: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.logN;
  // N=2^15, r=8 needs 32 MiB, which is exactly Node's default limit; leave room.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return limited(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(secret.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
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
 * The password policy for people: long enough, not one repeated character, not containing
 * the username, not a well-known password (nor one with digits or punctuation appended).
 * Returns the problem, or null when acceptable.
 */
export function passwordPolicyProblem(password: string, username?: string, minLength: number = MIN_PASSWORD_LENGTH): string | null {
  if (password.length < minLength) return `password must be at least ${minLength} characters long`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  if (/^(.)\1*$/u.test(password)) return 'password must not repeat a single character';
  const lower = password.toLowerCase();
  // Anyone who knows the person knows the username: "meilin-2024!!" is one guess away.
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
    return 'password must not contain the username';
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
