import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bitsToHex, decodeRawCardData, decodeWiegandBits, packBits, RawCardDataError } from './raw-card-data.js';

function fromHexValue(value: bigint, bits: number): string {
  return value.toString(2).padStart(bits, '0');
}

describe('osdp_RAW card data → credential', () => {
  test('H10301 vectors of hardware.md decode to facility and card number', () => {
    assert.equal(decodeRawCardData(1, 26, packBits('10000000100000000000000010')), 'h10301:1:1');
    assert.equal(decodeRawCardData(1, 26, packBits('10111101100010001110101110')), 'h10301:123:4567');
    assert.equal(decodeRawCardData(1, 26, packBits('00000000000000000000000001')), 'h10301:0:0');
  });

  test('the RAW reply bytes BD 88 EB 80 of the published packet are H10301 123:4567', () => {
    assert.equal(decodeRawCardData(1, 26, Buffer.from('bd88eb80', 'hex')), 'h10301:123:4567');
  });

  test('34-bit H10306 and 37-bit H10304 vectors', () => {
    assert.equal(decodeWiegandBits(34, packBits(fromHexValue(0x209a5bbaan, 34))), 'h10306:1234:56789');
    assert.equal(decodeWiegandBits(37, packBits(fromHexValue(0x030393c481n, 37))), 'h10304:12345:123456');
  });

  test('a Wiegand bit string with a broken parity bit is kept as raw bits, not guessed', () => {
    const bits = '00111101100010001110101110'; // H10301 123:4567 with the even parity bit flipped
    assert.equal(decodeRawCardData(1, 26, packBits(bits)), 'raw:26:f623ae');
  });

  test('format 0 (raw) is never read as Wiegand', () => {
    assert.equal(decodeRawCardData(0, 26, packBits('10111101100010001110101110')), 'raw:26:2f623ae');
    assert.equal(bitsToHex(packBits('10111101100010001110101110'), 26), '2f623ae');
  });

  test('a bit count that does not match the data is an error, not a credential', () => {
    assert.throws(() => decodeRawCardData(1, 26, Buffer.from('bd88eb', 'hex')), RawCardDataError);
    assert.throws(() => decodeRawCardData(1, 0, Buffer.alloc(0)), RawCardDataError);
    assert.throws(() => decodeRawCardData(0, 300, Buffer.alloc(38)), RawCardDataError);
  });
});
