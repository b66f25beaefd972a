import { createCipheriv, hkdfSync, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HttpStatus, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApiException } from '../common/api-exception.js';
import { StartupError } from '../common/startup-error.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';

const MASTER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed format: `v1:` + base64(iv ‖ tag ‖ ciphertext). */
const SEALED_PREFIX = 'v1:';

/** Where demo mode keeps the master key it generates. */
export function demoMasterKeyFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'reader-keys.master-key');
}

/** 64 hex characters or the base64 of 32 bytes; anything else is refused. */
export function parseMasterKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    return bytes.length === MASTER_KEY_BYTES ? bytes : null;
  }
  return null;
}

/**
 * Seals and opens OSDP reader keys with AES-256-GCM under the server's master key
 * (`ACS_SECRET_KEY_FILE`). Demo mode generates the master key into the data folder when
 * the variable is unset; production without it refuses every key operation (the rest of
 * the server runs). A file that is named but unreadable or malformed stops the start.
 * The master key is never logged.
 */
@Injectable()
export class ReaderKeyVault implements OnModuleInit {
  private readonly logger = new Logger('ReaderKeys');
  private masterKey: Buffer | null = null;

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  async onModuleInit(): Promise<void> {
    const { secretKeyFile, mode, dataDir } = this.config;
    if (secretKeyFile) {
      let text: string;
      try {
        text = await readFile(secretKeyFile, 'utf8');
      } catch (err) {
        throw new StartupError(`ACS_SECRET_KEY_FILE: cannot read ${secretKeyFile}: ${(err as Error).message}`);
      }
      const key = parseMasterKey(text);
      if (!key) throw new StartupError(`ACS_SECRET_KEY_FILE: ${secretKeyFile} must hold 32 bytes as 64 hex characters or base64`);
      this.masterKey = key;
      this.logger.log(`reader keys are sealed with the master key from ${secretKeyFile}`);
      return;
    }
    if (mode === 'production') {
      this.logger.warn('ACS_SECRET_KEY_FILE is not set: OSDP reader key operations are refused until it is');
      return;
    }
    this.masterKey = await this.demoMasterKey(demoMasterKeyFile(dataDir));
  }

  get available(): boolean {
    return this.masterKey !== null;
  }

  /** Throws the API's 503 `key_store_unavailable` when there is no master key. */
  assertAvailable(): void {
    if (!this.masterKey) {
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'key_store_unavailable',
        'Reader key operations need the master key: set ACS_SECRET_KEY_FILE to a file with 32 random bytes (hex or base64)',
      );
    }
  }

  /**
   * A key for another purpose derived from the master key (HKDF-SHA256), so one secret file
   * protects everything and no purpose's key reveals another's. Null without a master key.
   */
  derive(purpose: string): Buffer | null {
    if (!this.masterKey) return null;
    return Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.alloc(0), `acs:${purpose}`, 32));
  }

  seal(secret: Buffer): string {
    this.assertAvailable();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey!, iv);
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /** The secret, or an error when the sealed value was altered or sealed under another master key. */
  open(sealed: string): Buffer {
    this.assertAvailable();
    if (!sealed.startsWith(SEALED_PREFIX)) throw new Error('unknown sealed key format');
    const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64');
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey!, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  private async demoMasterKey(file: string): Promise<Buffer> {
    try {
      const key = parseMasterKey(await readFile(file, 'utf8'));
      if (key) return key;
      this.logger.warn(`${file} is malformed; generating a new demo master key (keys sealed with the old one cannot be opened)`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const key = randomBytes(MASTER_KEY_BYTES);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${key.toString('hex')}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
    this.logger.log(`demo mode: generated the master key for reader keys in ${file}`);
    return key;
  }
}
