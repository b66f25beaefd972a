import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import {
  clientCryptogram,
  computeMac,
  CpSecureSession,
  decryptData,
  deriveSessionKeys,
  encryptData,
  FACTORY_DEFAULT_KEYS,
  initialReplyMac,
  SCBK_D,
  serverCryptogram,
} from './osdp-secure-channel.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const CP_RND = hex('B0 B1 B2 B3 B4 B5 B6 B7');
const PD_RND = hex('A0 A1 A2 A3 A4 A5 A6 A7');

describe('OSDP secure channel: SIA annex vectors (SCBK-D, cp_rnd B0..B7, pd_rnd A0..A7)', () => {
  const keys = deriveSessionKeys(SCBK_D, CP_RND);

  test('SCBK-D is 30 31 … 3F', () => {
    assert.deepEqual(SCBK_D, hex('303132333435363738393A3B3C3D3E3F'));
  });

  test('S-ENC (OSDP test vectors)', () => {
    assert.deepEqual(keys.sEnc, hex('BF8DC2A8329ACB8C67C6D0CD9A451682'));
  });

  test('CP cryptogram (OSDP test vectors)', () => {
    assert.deepEqual(serverCryptogram(keys, CP_RND, PD_RND), hex('26D3356E07762D262801FC8E6665A891'));
  });

  test('R-MAC-I (OSDP test vectors)', () => {
    assert.deepEqual(initialReplyMac(keys, serverCryptogram(keys, CP_RND, PD_RND)), hex('B2A30057EB98BA2229EC1F875662B524'));
  });

  // The same annex also publishes S-MAC1, S-MAC2 and the PD's cryptogram.
  test('S-MAC1, S-MAC2 and the client (PD) cryptogram of the same annex', () => {
    assert.deepEqual(keys.sMac1, hex('5E86C676603BDEE2D8BEAFE178637332'));
    assert.deepEqual(keys.sMac2, hex('6FDA86E857777E81132035758239172E'));
    assert.deepEqual(clientCryptogram(keys, CP_RND, PD_RND), hex('FDE5D2F428EC16312471EA3C02BD7796'));
  });
});

describe('OSDP secure channel: MAC and data blocks', () => {
  const keys = deriveSessionKeys(hex('00112233445566778899aabbccddeeff'), CP_RND);
  const iv = hex('0f0e0d0c0b0a09080706050403020100');

  test('a MAC depends on every byte and on the chain value', () => {
    const message = hex('53 03 0E 00 0E 02 15 60');
    const mac = computeMac(keys, iv, message);
    assert.equal(mac.length, 16);
    const flipped = Buffer.from(message);
    flipped[7]! ^= 1;
    assert.notDeepEqual(computeMac(keys, iv, flipped), mac);
    assert.notDeepEqual(computeMac(keys, Buffer.alloc(16), message), mac);
  });

  test('a message of whole blocks is not padded, a longer one chains through S-MAC1', () => {
    const block = Buffer.alloc(16, 0x42);
    const twoBlocks = Buffer.alloc(32, 0x42);
    assert.notDeepEqual(computeMac(keys, iv, block), computeMac(keys, iv, Buffer.concat([block, hex('80'), Buffer.alloc(15)])));
    assert.equal(computeMac(keys, iv, twoBlocks).length, 16);
  });

  test('data blocks always carry 80 00… padding and decrypt back', () => {
    for (const length of [1, 15, 16, 17, 32]) {
      const data = Buffer.alloc(length, 0x5a);
      const sealed = encryptData(keys, iv, data);
      assert.equal(sealed.length, Math.ceil((length + 1) / 16) * 16);
      assert.deepEqual(decryptData(keys, iv, sealed), data);
    }
  });

  test('the wrong chain value garbles the data (the MAC is what catches it); a bad length or padding yields null', () => {
    const data = hex('01 10 00112233445566778899aabbccddeeff');
    const sealed = encryptData(keys, iv, data);
    assert.notDeepEqual(decryptData(keys, Buffer.alloc(16), sealed), data);
    assert.equal(decryptData(keys, iv, sealed.subarray(0, 15)), null);
    assert.equal(decryptData(keys, iv, Buffer.alloc(0)), null);
    const otherKeys = deriveSessionKeys(hex('ffeeddccbbaa99887766554433221100'), CP_RND);
    const unpadded = decryptData(otherKeys, iv, sealed);
    assert.ok(unpadded === null || !unpadded.equals(data));
    assert.equal(decryptData(keys, iv, encryptData(keys, iv, Buffer.alloc(0)).fill(0)), null);
  });
});

describe('CP secure session', () => {
  function pdAnswer(scbk: Buffer, session: CpSecureSession): Buffer {
    const keys = deriveSessionKeys(scbk, session.cpRandom);
    return Buffer.concat([Buffer.alloc(8, 0x11), PD_RND, clientCryptogram(keys, session.cpRandom, PD_RND)]);
  }

  test('verifies the PD cryptogram, answers with its own and accepts R-MAC-I', () => {
    const scbk = hex('00112233445566778899aabbccddeeff');
    const session = new CpSecureSession(scbk, 'scbk', CP_RND);
    assert.deepEqual(session.challengeScb(), hex('03 11 01'));
    const check = session.checkCcrypt(pdAnswer(scbk, session));
    assert.equal(check.verified, true);
    const keys = deriveSessionKeys(scbk, CP_RND);
    assert.deepEqual(check.scrypt, serverCryptogram(keys, CP_RND, PD_RND));
    assert.equal(session.acceptRmacI(0x01, initialReplyMac(keys, check.scrypt)), true);
    assert.equal(session.isEstablished, true);
  });

  test('a PD answering with SCBK-D when asked for its own key is recognised as reset to defaults', () => {
    const session = new CpSecureSession(hex('00112233445566778899aabbccddeeff'), 'scbk', CP_RND);
    const check = session.checkCcrypt(pdAnswer(SCBK_D, session));
    assert.deepEqual([check.verified, check.factoryKey, check.scrypt], [false, 'SCBK-D', null]);
  });

  test('a PD answering with the all-zero factory key when asked for its own key is recognised as reset to factory state', () => {
    const session = new CpSecureSession(hex('00112233445566778899aabbccddeeff'), 'scbk', CP_RND);
    const check = session.checkCcrypt(pdAnswer(Buffer.alloc(16), session));
    assert.deepEqual([check.verified, check.factoryKey, check.scrypt], [false, 'all-zero', null]);
  });

  test('every factory key is tried, and only for a handshake with the PD’s own key', () => {
    assert.deepEqual(
      FACTORY_DEFAULT_KEYS.map((k) => k.name),
      ['SCBK-D', 'all-zero'],
    );
    for (const { name, key } of FACTORY_DEFAULT_KEYS) {
      const own = new CpSecureSession(hex('00112233445566778899aabbccddeeff'), 'scbk', CP_RND);
      assert.equal(own.checkCcrypt(pdAnswer(key, own)).factoryKey, name);
    }
    const install = new CpSecureSession(SCBK_D, 'scbk-d', CP_RND);
    assert.equal(install.checkCcrypt(pdAnswer(Buffer.alloc(16), install)).factoryKey, null, 'install mode offered a default key itself');
  });

  test('a PD with some other key fails without being mistaken for a reset one', () => {
    const session = new CpSecureSession(hex('00112233445566778899aabbccddeeff'), 'scbk', CP_RND);
    const check = session.checkCcrypt(pdAnswer(hex('ffeeddccbbaa99887766554433221100'), session));
    assert.deepEqual([check.verified, check.factoryKey], [false, null]);
  });

  test('install mode asks for SCBK-D in the security block', () => {
    const session = new CpSecureSession(SCBK_D, 'scbk-d', CP_RND);
    assert.deepEqual(session.challengeScb(), hex('03 11 00'));
    assert.deepEqual(session.scryptScb(), hex('03 13 00'));
  });

  test('no MAC or encryption before the session is established, and a wrong R-MAC-I keeps it closed', () => {
    const scbk = hex('00112233445566778899aabbccddeeff');
    const session = new CpSecureSession(scbk, 'scbk', CP_RND);
    assert.throws(() => session.commandMacFor(hex('53')), /not established/);
    session.checkCcrypt(pdAnswer(scbk, session));
    assert.equal(session.acceptRmacI(0x01, Buffer.alloc(16)), false);
    assert.equal(session.acceptRmacI(0xff, Buffer.alloc(16)), false);
    assert.equal(session.isEstablished, false);
  });
});
