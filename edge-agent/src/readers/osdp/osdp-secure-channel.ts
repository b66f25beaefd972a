/**
 * The OSDP secure channel (SIA OSDP v2.2, annex D), with AES-128 from node:crypto.
 *
 * - Session keys: S-ENC, S-MAC1, S-MAC2 = AES-ECB(SCBK, 01 82|01 01|01 02 ‖ cp_rnd[0..5] ‖ 00×8).
 * - Handshake: CP → osdp_CHLNG(cp_rnd); PD → osdp_CCRYPT(cUID, pd_rnd, client cryptogram
 *   = AES-ECB(S-ENC, cp_rnd ‖ pd_rnd)); CP checks it and → osdp_SCRYPT(server cryptogram
 *   = AES-ECB(S-ENC, pd_rnd ‖ cp_rnd)); PD → osdp_RMAC_I(R-MAC-I = AES(S-MAC2, AES(S-MAC1,
 *   server cryptogram))), the first MAC of the chain.
 * - Every later message carries a MAC: CBC-MAC over SOM … last data byte (padded with 80 00…
 *   when not a whole number of blocks), blocks 1…N-1 under S-MAC1 and block N under S-MAC2.
 *   A command's chain starts from the last reply MAC, a reply's from the last command MAC;
 *   the first 4 bytes travel.
 * - Data blocks of types 0x17/0x18 are AES-CBC under S-ENC, always padded with 80 00…, with
 *   IV = NOT(last reply MAC) for commands and NOT(last command MAC) for replies.
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';

/** SCBK-D, the install-mode key every PD knows: 30 31 … 3F. */
export const SCBK_D: Buffer = Buffer.from('303132333435363738393a3b3c3d3e3f', 'hex');

/** A key a PD may hold straight from the factory, or after a reset to factory state. */
export interface FactoryKey {
  /** How the alert names it (never the key itself). */
  name: string;
  key: Buffer;
}

/**
 * The factory/default keys a PD reset to factory state is known to answer with when asked
 * for its own key: SCBK-D (the spec's install-mode key) and the all-zero key that many
 * readers ship with or fall back to. They are only ever used to recognise such a PD and
 * raise `reader_key_reset` (docs/hardware.md#osdp-keys: alert, never re-key); no session is set up with
 * them. A vendor default seen in the field belongs in this list and nowhere else.
 */
export const FACTORY_DEFAULT_KEYS: readonly FactoryKey[] = [
  { name: 'SCBK-D', key: SCBK_D },
  { name: 'all-zero', key: Buffer.alloc(16) },
];

export const KEY_LENGTH = 16;
export const RANDOM_LENGTH = 8;

export interface SessionKeys {
  sEnc: Buffer;
  sMac1: Buffer;
  sMac2: Buffer;
}

function assertKey(key: Uint8Array, what: string): void {
  if (key.length !== KEY_LENGTH) throw new RangeError(`${what} must be ${KEY_LENGTH} bytes, got ${key.length}`);
}

/** One AES-128 block, ECB. */
export function aesEcb(key: Uint8Array, block: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

export function deriveSessionKeys(scbk: Uint8Array, cpRandom: Uint8Array): SessionKeys {
  assertKey(scbk, 'SCBK');
  if (cpRandom.length !== RANDOM_LENGTH) throw new RangeError(`cp_rnd must be ${RANDOM_LENGTH} bytes`);
  const derive = (b0: number, b1: number) => {
    const block = Buffer.alloc(16);
    block[0] = b0;
    block[1] = b1;
    Buffer.from(cpRandom).copy(block, 2, 0, 6);
    return aesEcb(scbk, block);
  };
  return { sEnc: derive(0x01, 0x82), sMac1: derive(0x01, 0x01), sMac2: derive(0x01, 0x02) };
}

/** The PD's ("client") cryptogram: AES-ECB(S-ENC, cp_rnd ‖ pd_rnd). */
export function clientCryptogram(keys: SessionKeys, cpRandom: Uint8Array, pdRandom: Uint8Array): Buffer {
  return aesEcb(keys.sEnc, Buffer.concat([cpRandom, pdRandom]));
}

/** The CP's ("server") cryptogram: AES-ECB(S-ENC, pd_rnd ‖ cp_rnd). */
export function serverCryptogram(keys: SessionKeys, cpRandom: Uint8Array, pdRandom: Uint8Array): Buffer {
  return aesEcb(keys.sEnc, Buffer.concat([pdRandom, cpRandom]));
}

/** R-MAC-I = AES-ECB(S-MAC2, AES-ECB(S-MAC1, server cryptogram)). */
export function initialReplyMac(keys: SessionKeys, serverCrypt: Uint8Array): Buffer {
  return aesEcb(keys.sMac2, aesEcb(keys.sMac1, serverCrypt));
}

/** The full 16-byte MAC of `message` chained from `iv` (the other side's last MAC). */
export function computeMac(keys: SessionKeys, iv: Uint8Array, message: Uint8Array): Buffer {
  const padded = message.length % 16 === 0 ? Buffer.from(message) : padBlocks(message);
  if (padded.length === 0) throw new RangeError('cannot MAC an empty message');
  let chain: Buffer = Buffer.from(iv);
  if (padded.length > 16) {
    const head = aesCbcEncrypt(keys.sMac1, chain, padded.subarray(0, padded.length - 16));
    chain = head.subarray(head.length - 16);
  }
  return aesCbcEncrypt(keys.sMac2, chain, padded.subarray(padded.length - 16));
}

/** 80 00… up to the next block boundary (always adds at least the 0x80). */
function padBlocks(data: Uint8Array): Buffer {
  const total = Math.ceil((data.length + 1) / 16) * 16;
  const out = Buffer.alloc(total);
  Buffer.from(data).copy(out);
  out[data.length] = 0x80;
  return out;
}

function inverted(mac: Uint8Array): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ~mac[i]! & 0xff;
  return out;
}

export function encryptData(keys: SessionKeys, otherSideMac: Uint8Array, data: Uint8Array): Buffer {
  return aesCbcEncrypt(keys.sEnc, inverted(otherSideMac), padBlocks(data));
}

/** Null when the length is not whole blocks or the 80 00… padding is missing. */
export function decryptData(keys: SessionKeys, otherSideMac: Uint8Array, data: Uint8Array): Buffer | null {
  if (data.length === 0 || data.length % 16 !== 0) return null;
  const plain = aesCbcDecrypt(keys.sEnc, inverted(otherSideMac), data);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0x00) end -= 1;
  if (end < 0 || plain[end] !== 0x80) return null;
  return plain.subarray(0, end);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export type KeyKind = 'scbk' | 'scbk-d';

/** What a CP learns from osdp_CCRYPT, before it commits to a session. */
export interface ChallengeCheck {
  /** The PD's cryptogram verified with the key the CP offered. */
  verified: boolean;
  /**
   * When it did not: the name of the factory default key (`FACTORY_DEFAULT_KEYS`) the
   * cryptogram verifies under instead, i.e. a PD reset to factory state; null otherwise.
   */
  factoryKey: string | null;
}

/**
 * The CP's half of one secure session with one PD: handshake state, then the MAC chain.
 * A session is used for one handshake; a new handshake makes a new object.
 */
export class CpSecureSession {
  readonly cpRandom: Buffer;
  private keys: SessionKeys;
  private pdRandom: Buffer | null = null;
  private commandMac: Buffer | null = null;
  private replyMac: Buffer | null = null;
  private established = false;

  constructor(
    private readonly scbk: Buffer,
    readonly keyKind: KeyKind,
    cpRandom: Buffer = randomBytes(RANDOM_LENGTH),
  ) {
    assertKey(scbk, 'SCBK');
    this.cpRandom = Buffer.from(cpRandom);
    this.keys = deriveSessionKeys(scbk, this.cpRandom);
  }

  get isEstablished(): boolean {
    return this.established;
  }

  /** Security block of osdp_CHLNG: 0x00 asks the PD for SCBK-D, 0x01 for its own SCBK. */
  challengeScb(): Buffer {
    return Buffer.from([3, 0x11, this.keyKind === 'scbk-d' ? 0 : 1]);
  }

  /** Checks osdp_CCRYPT (cUID 8, pd_rnd 8, client cryptogram 16); returns the osdp_SCRYPT payload when it verifies. */
  checkCcrypt(data: Buffer): ChallengeCheck & { scrypt: Buffer | null } {
    if (data.length !== 32) return { verified: false, factoryKey: null, scrypt: null };
    const pdRandom = data.subarray(8, 16);
    const cryptogram = data.subarray(16, 32);
    if (sameBytes(clientCryptogram(this.keys, this.cpRandom, pdRandom), cryptogram)) {
      this.pdRandom = Buffer.from(pdRandom);
      return { verified: true, factoryKey: null, scrypt: serverCryptogram(this.keys, this.cpRandom, this.pdRandom) };
    }
    // Only a handshake for the PD's own key can reveal a reset; in install mode the CP offered a default key itself.
    if (this.keyKind !== 'scbk') return { verified: false, factoryKey: null, scrypt: null };
    const factory = FACTORY_DEFAULT_KEYS.find(({ key }) => {
      const keys = deriveSessionKeys(key, this.cpRandom);
      return sameBytes(clientCryptogram(keys, this.cpRandom, pdRandom), cryptogram);
    });
    return { verified: false, factoryKey: factory?.name ?? null, scrypt: null };
  }

  scryptScb(): Buffer {
    return Buffer.from([3, 0x13, this.keyKind === 'scbk-d' ? 0 : 1]);
  }

  /** Checks osdp_RMAC_I; on success the session is established and the MAC chain starts. */
  acceptRmacI(scbData: number, data: Buffer): boolean {
    if (!this.pdRandom || data.length !== 16 || scbData !== 0x01) return false;
    const expected = initialReplyMac(this.keys, serverCryptogram(this.keys, this.cpRandom, this.pdRandom));
    if (!sameBytes(expected, data)) return false;
    this.replyMac = expected;
    this.established = true;
    return true;
  }

  /** Encrypts a command's data block (security block type 0x17). */
  encryptCommandData(data: Uint8Array): Buffer {
    return encryptData(this.keys, this.requireReplyMac(), data);
  }

  /** MAC of an outgoing command; advances the command chain. */
  commandMacFor(macInput: Uint8Array): Buffer {
    this.commandMac = computeMac(this.keys, this.requireReplyMac(), macInput);
    return this.commandMac.subarray(0, 4);
  }

  /**
   * Verifies a reply's MAC and advances the reply chain. A failed check leaves the
   * chain unchanged; the caller drops the session.
   */
  verifyReplyMac(macInput: Uint8Array, mac: Uint8Array): boolean {
    if (!this.commandMac) return false;
    const full = computeMac(this.keys, this.commandMac, macInput);
    if (mac.length !== 4 || !sameBytes(full.subarray(0, 4), mac)) return false;
    this.replyMac = full;
    return true;
  }

  /** Decrypts a reply's data block (security block type 0x18); call after `verifyReplyMac`. */
  decryptReplyData(data: Uint8Array): Buffer | null {
    if (!this.commandMac) return null;
    return decryptData(this.keys, this.commandMac, data);
  }

  /** Session keys, for diagnostics and tests; the SCBK itself is never exposed. */
  get sessionKeys(): Readonly<SessionKeys> {
    return this.keys;
  }

  private requireReplyMac(): Buffer {
    if (!this.established || !this.replyMac) throw new Error('the secure session is not established');
    return this.replyMac;
  }

  /** Whether this session was keyed with `key` (without exposing the key). */
  usesKey(key: Uint8Array): boolean {
    return key.length === this.scbk.length && sameBytes(key, this.scbk);
  }
}
