import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { displayCredential, em4100Credential, isValidCredential, parseCredential, uidCredential, wiegandCredential } from './credential.js';

describe('credential strings', () => {
  test('shows an EM4100 tag as the 10-digit number printed on the card', () => {
    assert.equal(em4100Credential(0x003b51c6), 'em4100:3887558');
    assert.equal(displayCredential('em4100:3887558'), '0003887558');
  });

  test('shows a Wiegand credential as facility:card', () => {
    assert.equal(wiegandCredential('h10301', 123, 4567), 'h10301:123:4567');
    assert.equal(displayCredential('h10301:123:4567'), '123:4567');
  });

  test('normalises chip UIDs to lowercase hex', () => {
    assert.equal(uidCredential(new Uint8Array([0x04, 0xa1, 0xb2])), 'uid:04a1b2');
    assert.equal(displayCredential('uid:04a1b2'), '04A1B2');
  });

  test('refuses malformed credentials', () => {
    for (const bad of ['', '3887558', 'em4100:', 'em4100:99999999999', 'uid:abc', 'EM4100:1', 'raw:26:xyz', 'em4100:1:2']) {
      assert.equal(isValidCredential(bad), false, bad);
    }
    assert.deepEqual(parseCredential('raw:26:2f623ae'), { kind: 'raw', bitCount: 26, hex: '2f623ae' });
  });
});
