import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { BUILT_IN_WIEGAND_FORMATS, bitsToString, encodeWiegand, wiegandFormatListSchema } from '@acs/shared/credentials/wiegand';
import { decodeRawCardData, packBits, RawCardDataError, unpackBits } from './raw-card-data.js';

function fromHexValue(value: bigint, bits: number): string {
  return value.toString(2).padStart(bits, '0');
}

describe('osdp_RAW card data → credential', () => {
  test('H10301 vectors of the OSDP docs decode to facility and card number', () => {
    assert.equal(decodeRawCardData(1, 26, packBits('10000000100000000000000010')), 'h10301:1:1');
    assert.equal(decodeRawCardData(1, 26, packBits('10111101100010001110101110')), 'h10301:123:4567');
    assert.equal(decodeRawCardData(1, 26, packBits('00000000000000000000000001')), 'h10301:0:0');
  });

  test('the RAW reply bytes BD 88 EB 80 of the published packet are H10301 123:4567', () => {
    assert.equal(decodeRawCardData(1, 26, Buffer.from('bd88eb80', 'hex')), 'h10301:123:4567');
  });

  test('34-bit H10306 and 37-bit H10304 vectors go through the shared format table', () => {
    assert.equal(decodeRawCardData(1, 34, packBits(fromHexValue(0x209a5bbaan, 34))), 'h10306:1234:56789');
    assert.equal(decodeRawCardData(1, 37, packBits(fromHexValue(0x030393c481n, 37))), 'h10304:12345:123456');
  });

  test('every built-in format of the shared table decodes from RAW data, Corporate 1000 included', () => {
    for (const format of Object.values(BUILT_IN_WIEGAND_FORMATS)) {
      const number = { facility: format.facility ? 2 ** format.facility.length - 2 : 0, card: 2 ** format.card.length - 3 };
      const bits = bitsToString(encodeWiegand(format, number));
      assert.equal(decodeRawCardData(1, bits.length, packBits(bits)), `${format.id}:${number.facility}:${number.card}`, format.id);
    }
  });

  test("the reader's configured formats decide: a custom layout is read, a format left out gives raw bits", () => {
    const [acme] = wiegandFormatListSchema.parse([
      {
        id: 'acme-30',
        bits: 30,
        facility: { start: 2, length: 10 },
        card: { start: 12, length: 18 },
        parity: [{ bit: 1, type: 'odd', covers: ['2-15'] }],
      },
    ]);
    const bits = bitsToString(encodeWiegand(acme!, { facility: 700, card: 123_456 }));
    assert.equal(decodeRawCardData(1, 30, packBits(bits), [acme!]), 'acme-30:700:123456');
    assert.match(decodeRawCardData(1, 30, packBits(bits)), /^raw:30:/, 'not among the built-in formats');
    const h10306 = packBits(fromHexValue(0x209a5bbaan, 34));
    assert.equal(decodeRawCardData(1, 34, h10306, [BUILT_IN_WIEGAND_FORMATS.h10301!]), 'raw:34:209a5bbaa');
  });

  test('a Wiegand bit string with a broken parity bit is kept as raw bits (hex as the Wiegand reader writes it), not guessed', () => {
    const bits = '00111101100010001110101110'; // H10301 123:4567 with the even parity bit flipped
    assert.equal(decodeRawCardData(1, 26, packBits(bits)), 'raw:26:0f623ae');
  });

  test('format 0 (raw) is never read as Wiegand', () => {
    assert.equal(decodeRawCardData(0, 26, packBits('10111101100010001110101110')), 'raw:26:2f623ae');
    assert.equal(bitsToString(unpackBits(packBits('10111101100010001110101110'), 26)), '10111101100010001110101110');
  });

  test('a bit count that does not match the data is an error, not a credential', () => {
    assert.throws(() => decodeRawCardData(1, 26, Buffer.from('bd88eb', 'hex')), RawCardDataError);
    assert.throws(() => decodeRawCardData(1, 0, Buffer.alloc(0)), RawCardDataError);
    assert.throws(() => decodeRawCardData(0, 300, Buffer.alloc(38)), RawCardDataError);
  });
});
