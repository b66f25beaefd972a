import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { displayCredential } from './credential.js';
import { credentialFromCardNumber } from './card-number.js';

const ok = (format: string, input: string) => {
  const result = credentialFromCardNumber(format, input);
  assert.ok(result.ok, `${format} ${input}: ${result.ok ? '' : result.error}`);
  return result.credential;
};
const error = (format: string, input: string) => {
  const result = credentialFromCardNumber(format, input);
  assert.ok(!result.ok, `${format} ${input} should be refused`);
  return result.error;
};

describe('card numbers as people type them', () => {
  test('an EM4100 number is the 10 digits printed on the card, or its 8+16-bit pair', () => {
    assert.equal(ok('em4100', '0003887558'), 'em4100:3887558');
    assert.equal(ok('em4100', '059,20934'), 'em4100:3887558');
    assert.equal(displayCredential(ok('em4100', ' 3887558 ')), '0003887558');
    assert.match(error('em4100', '4294967296'), /at most 4294967295/);
    assert.match(error('em4100', '256,1'), /0-255/);
    assert.match(error('em4100', '3B51C6'), /10 digits/);
  });

  test('a Wiegand number is facility:card, range-checked against the layout of its format', () => {
    assert.equal(ok('h10301', '123:4567'), 'h10301:123:4567');
    assert.equal(ok('h10301', '123,4567'), 'h10301:123:4567');
    assert.equal(displayCredential(ok('h10304', '12345:123456')), '12345:123456');
    assert.equal(ok('corp1000-35', '1000:123456'), 'corp1000-35:1000:123456');
    assert.match(error('h10301', '256:1'), /facility code of h10301 is 0-255/);
    assert.match(error('h10301', '1:65536'), /card number of h10301 is 0-65535/);
    assert.match(error('h10304', '1:524288'), /0-524287/);
    assert.match(error('h10301', '1234567'), /facility:card/);
  });

  test('chip UIDs and raw frames', () => {
    assert.equal(ok('uid', '04:A1:B2:C3'), 'uid:04a1b2c3');
    assert.match(error('uid', 'ABC'), /4 to 20 bytes/);
    assert.equal(ok('raw', '26:2F623AE'), 'raw:26:2f623ae');
    assert.match(error('raw', '2f623ae'), /<bit count>:<hex>/);
  });

  test('an unknown format is refused with the list of known ones', () => {
    assert.match(error('h99999', '1:2'), /format must be one of: em4100, h10301, h10306, corp1000-35, h10304, corp1000-48, uid, raw/);
    assert.match(error('em4100', '  '), /empty/);
  });
});
