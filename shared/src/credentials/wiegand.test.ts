import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { z } from 'zod';
import {
  BUILT_IN_WIEGAND_FORMATS,
  bitsFromString,
  bitsToHex,
  bitsToString,
  decodeWiegand,
  encodeWiegand,
  isWiegandDecodeError,
  wiegandFormatListSchema,
  wiegandFormatSchema,
  type WiegandBit,
  type WiegandFormat,
} from './wiegand.js';

const F = BUILT_IN_WIEGAND_FORMATS;
const ALL = Object.values(F);

/**
 * The second, independent computation docs/hardware.md#wiegand-test-vectors asks for: the frame as one BigInt,
 * fields placed by shifting, parity from masks written the way vendors publish them
 * (HID's E/O/X layout strings for the simple formats, the hex masks of a vendor SDK for
 * Corporate 1000), counted with a popcount. It shares no code with `wiegand.ts`.
 */
interface ReferenceFormat {
  bits: number;
  /** Shift of the facility field's least significant bit from the frame's last bit, and its width. */
  facility: [shift: number, width: number];
  card: [shift: number, width: number];
  /** [parity bit as a shift from the last bit, even?, mask of covered bits]; applied in order. */
  parity: [shift: number, even: boolean, mask: bigint][];
}

/** A HID layout line such as `EXXXXXXXXXXXX.............`: X marks a covered bit. */
function maskFromLayout(line: string): bigint {
  return BigInt(`0b${line.replace(/./g, (c) => (c === 'X' ? '1' : '0'))}`);
}

function popcount(value: bigint): number {
  let n = 0;
  for (const c of value.toString(2)) if (c === '1') n++;
  return n;
}

const REFERENCE: Record<string, ReferenceFormat> = {
  h10301: {
    bits: 26,
    facility: [17, 8],
    card: [1, 16],
    parity: [
      [25, true, maskFromLayout('.XXXXXXXXXXXX.............')],
      [0, false, maskFromLayout('.............XXXXXXXXXXXX.')],
    ],
  },
  h10306: {
    bits: 34,
    facility: [17, 16],
    card: [1, 16],
    parity: [
      [33, true, maskFromLayout('.XXXXXXXXXXXXXXXX.................')],
      [0, false, maskFromLayout('.................XXXXXXXXXXXXXXXX.')],
    ],
  },
  h10304: {
    bits: 37,
    facility: [20, 16],
    card: [1, 19],
    parity: [
      [36, true, maskFromLayout('.XXXXXXXXXXXXXXXXXX..................')],
      [0, false, maskFromLayout('..................XXXXXXXXXXXXXXXXXX.')],
    ],
  },
  'corp1000-35': {
    bits: 35,
    facility: [21, 12],
    card: [1, 20],
    parity: [
      [33, true, 0x1b6db6db6n],
      [0, false, 0x36db6db6cn],
      [34, false, 0x3ffffffffn],
    ],
  },
  'corp1000-48': {
    bits: 48,
    facility: [24, 22],
    card: [1, 23],
    parity: [
      [46, true, 0x1b6db6db6db6n],
      [0, false, 0x36db6db6db6cn],
      [47, false, 0x7fffffffffffn],
    ],
  },
};

function referenceEncode(id: string, facility: number, card: number): bigint {
  const ref = REFERENCE[id]!;
  let frame = (BigInt(facility) << BigInt(ref.facility[0])) | (BigInt(card) << BigInt(ref.card[0]));
  for (const [shift, even, mask] of ref.parity) {
    const odd = popcount(frame & mask) % 2 === 1;
    const bit = even ? odd : !odd;
    if (bit) frame |= 1n << BigInt(shift);
  }
  return frame;
}

function referenceBits(id: string, frame: bigint): string {
  return frame.toString(2).padStart(REFERENCE[id]!.bits, '0');
}

function flip(bits: readonly WiegandBit[], position: number): WiegandBit[] {
  const copy = [...bits];
  copy[position - 1] = (1 - copy[position - 1]!) as WiegandBit;
  return copy;
}

describe('Wiegand formats: the documented Wiegand test vectors', () => {
  // [format, facility, card, bits or hex as written in docs/hardware.md#wiegand-test-vectors]
  const vectors: [string, number, number, { bits?: string; hex: string }][] = [
    ['h10301', 1, 1, { bits: '10000000100000000000000010', hex: '2020002' }],
    ['h10301', 123, 4567, { bits: '10111101100010001110101110', hex: '2f623ae' }],
    ['h10301', 0, 0, { bits: '00000000000000000000000001', hex: '0000001' }],
    ['h10306', 1234, 56789, { hex: '209a5bbaa' }],
    ['h10304', 12345, 123456, { hex: '030393c481' }],
    ['corp1000-35', 1000, 123456, { hex: '07d03c481' }],
    ['corp1000-48', 1000, 123456, { hex: '0003e803c481' }],
  ];

  for (const [id, facility, card, expected] of vectors) {
    test(`${F[id]!.name} FC ${facility} CN ${card} encodes to 0x${expected.hex} and decodes back`, () => {
      const bits = encodeWiegand(F[id]!, { facility, card });
      assert.equal(bits.length, F[id]!.bits);
      if (expected.bits) assert.equal(bitsToString(bits), expected.bits);
      assert.equal(BigInt(`0x${bitsToHex(bits)}`), BigInt(`0x${expected.hex}`));
      const decoded = decodeWiegand(bits, ALL);
      assert.ok(!isWiegandDecodeError(decoded), JSON.stringify(decoded));
      assert.deepEqual([decoded.format.id, decoded.facility, decoded.card], [id, facility, card]);
    });

    test(`the reference computation agrees on ${id} FC ${facility} CN ${card}`, () => {
      const frame = referenceEncode(id, facility, card);
      assert.equal(frame, BigInt(`0x${expected.hex}`));
      assert.equal(referenceBits(id, frame), bitsToString(encodeWiegand(F[id]!, { facility, card })));
    });
  }

  test('both computations agree on random numbers in every built-in format', () => {
    let seed = 12345;
    const next = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % (max + 1);
    };
    for (const [id, ref] of Object.entries(REFERENCE)) {
      for (let i = 0; i < 200; i++) {
        const facility = next(2 ** ref.facility[1] - 1);
        const card = next(2 ** ref.card[1] - 1);
        const ours = bitsToString(encodeWiegand(F[id]!, { facility, card }));
        assert.equal(ours, referenceBits(id, referenceEncode(id, facility, card)), `${id} ${facility}:${card}`);
      }
    }
  });

  test('48-bit Corporate 1000 uses the vendor masks, which differ from the 35-bit pattern continued', () => {
    // Read as "the 35-bit pattern continued", the 48-bit masks give the same frame for some
    // vectors; this one (docs/hardware.md#wiegand-test-vectors) tells the readings apart: the
    // vendor SDK masks (0x1B6DB6DB6DB6 / 0x36DB6DB6DB6C) cover bits 4-5, 7-8, … and 3-4, 6-7, …,
    // not 3-4, 6-7, … and 2-3, 5-6, ….
    const bits = encodeWiegand(F['corp1000-48']!, { facility: 1400891, card: 5254480 });
    assert.equal(bitsToHex(bits), '95603ba05aa0');
    assert.equal(referenceEncode('corp1000-48', 1400891, 5254480), 0x95603ba05aa0n);
  });
});

describe('Wiegand decoding rejects what does not check', () => {
  const good = bitsFromString('10111101100010001110101110'); // H10301 123:4567

  test('names the even parity bit of a frame with a flipped facility bit', () => {
    const result = decodeWiegand(flip(good, 5), ALL);
    assert.ok(isWiegandDecodeError(result));
    assert.equal(result.error, 'parity');
    assert.deepEqual(result.error === 'parity' && result.failures, [{ format: 'h10301', bit: 1, type: 'even' }]);
    assert.match(result.message, /h10301 bit 1 \(even\)/);
  });

  test('names the odd parity bit of a frame with a flipped card bit', () => {
    const result = decodeWiegand(flip(good, 20), ALL);
    assert.ok(isWiegandDecodeError(result) && result.error === 'parity');
    assert.deepEqual(result.failures, [{ format: 'h10301', bit: 26, type: 'odd' }]);
  });

  test('a flipped parity bit itself fails', () => {
    const result = decodeWiegand(flip(good, 26), ALL);
    assert.ok(isWiegandDecodeError(result) && result.error === 'parity');
    assert.deepEqual(
      result.failures.map((f) => f.bit),
      [26],
    );
  });

  test('Corporate 1000 35-bit reports each of its three parity bits', () => {
    const bits = encodeWiegand(F['corp1000-35']!, { facility: 1000, card: 123456 });
    // Bit 3 is covered by bit 2 (even), bit 35 (odd) and bit 1 (all): all three fail.
    const three = decodeWiegand(flip(bits, 3), ALL);
    assert.ok(isWiegandDecodeError(three) && three.error === 'parity');
    assert.deepEqual(
      three.failures.map((f) => f.bit),
      [2, 35, 1],
    );
    // Bit 1 covers only itself among the masks of the others.
    const one = decodeWiegand(flip(bits, 1), ALL);
    assert.ok(isWiegandDecodeError(one) && one.error === 'parity');
    assert.deepEqual(
      one.failures.map((f) => f.bit),
      [1],
    );
  });

  test('a frame one bit short (a dropped pulse) matches no format', () => {
    const result = decodeWiegand(good.slice(0, 25), ALL);
    assert.ok(isWiegandDecodeError(result));
    assert.equal(result.error, 'bit_count');
    assert.match(result.message, /25-bit frame: no configured format has 25 bits \(configured: 26, 34, 35, 37, 48\)/);
  });

  test('only the configured formats are candidates', () => {
    const bits = encodeWiegand(F.h10306!, { facility: 1234, card: 56789 });
    const result = decodeWiegand(bits, [F.h10301!]);
    assert.ok(isWiegandDecodeError(result) && result.error === 'bit_count');
  });

  test('refuses to encode a number that does not fit the field', () => {
    assert.throws(() => encodeWiegand(F.h10301!, { facility: 256, card: 1 }), /facility code 256 does not fit HID H10301 26-bit \(0-255\)/);
    assert.throws(() => encodeWiegand(F.h10301!, { facility: 1, card: 65536 }), /card number 65536 does not fit/);
  });

  test('hex keeps leading zero digits of the frame length', () => {
    assert.equal(bitsToHex(bitsFromString('00000000000000000000000001')), '0000001');
    assert.equal(bitsToHex(bitsFromString('1')), '1');
    assert.equal(bitsToHex(bitsFromString('10000')), '10');
  });
});

describe('custom Wiegand layouts from configuration', () => {
  // A vendor's 34-bit layout: 8-bit facility at 2-9, 24-bit card at 10-33, parity halves.
  const acme = {
    id: 'acme-34',
    bits: 34,
    facility: { start: 2, length: 8 },
    card: { start: 10, length: 24 },
    parity: [
      { bit: 1, type: 'even', covers: ['2-17'] },
      { bit: 34, type: 'odd', covers: ['18-33'] },
    ],
  };

  test('a custom layout round-trips; formats of one length are tried in the configured order', () => {
    const formats = wiegandFormatListSchema.parse([acme, 'h10306']);
    const custom = formats[0]!;
    assert.equal(custom.name, 'acme-34 (34-bit, custom)');
    const bits = encodeWiegand(custom, { facility: 200, card: 9_000_000 });
    // Reference: fields shifted into place, parity from the layout lines.
    let frame = (200n << 25n) | (9_000_000n << 1n);
    if (popcount(frame & maskFromLayout('.XXXXXXXXXXXXXXXX.................')) % 2 === 1) frame |= 1n << 33n;
    if (popcount(frame & maskFromLayout('.................XXXXXXXXXXXXXXXX.')) % 2 === 0) frame |= 1n;
    assert.equal(bitsToString(bits), frame.toString(2).padStart(34, '0'));
    const decoded = decodeWiegand(bits, formats);
    assert.ok(!isWiegandDecodeError(decoded));
    assert.deepEqual([decoded.format.id, decoded.facility, decoded.card], ['acme-34', 200, 9_000_000]);
    // Its parity is the same as H10306's: listed second, the built-in layout would win.
    const reversed = decodeWiegand(bits, [formats[1]!, custom]);
    assert.ok(!isWiegandDecodeError(reversed));
    assert.equal(reversed.format.id, 'h10306');
  });

  test("'all-others' covers every bit but the parity bit, computed after the parity bits it covers", () => {
    const format = wiegandFormatSchema.parse({
      id: 'check-8',
      bits: 8,
      card: { start: 3, length: 5 },
      parity: [
        { bit: 8, type: 'even', covers: ['3-7'] },
        { bit: 1, type: 'odd', covers: 'all-others' },
      ],
    });
    assert.deepEqual(format.parity[1]!.covers, [2, 3, 4, 5, 6, 7, 8]);
    const bits = encodeWiegand(format, { facility: 0, card: 0b10110 });
    // card 10110 → bit 8 = 1 (three ones, even); bits 2-8 then hold four ones → bit 1 = 1 (odd).
    assert.equal(bitsToString(bits), '10101101');
  });

  const problems = (input: unknown) => {
    const result = z.object({ formats: wiegandFormatListSchema }).safeParse({ formats: input });
    assert.equal(result.success, false);
    return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test('names overlapping fields', () => {
    assert.match(
      problems([{ ...acme, card: { start: 9, length: 24 } }]).join('\n'),
      /formats\.0\.card: bit 9 is already used by the facility field/,
    );
  });

  test('names a field that runs past the frame', () => {
    assert.match(
      problems([{ ...acme, card: { start: 10, length: 30 } }]).join('\n'),
      /formats\.0\.card: bits 10-39 run past the 34-bit frame/,
    );
  });

  test('names a parity bit that sits in a field or covers itself', () => {
    assert.match(
      problems([{ ...acme, parity: [{ bit: 5, type: 'even', covers: ['2-4'] }] }]).join('\n'),
      /parity\.0\.bit: bit 5 is already used by the facility field/,
    );
    assert.match(
      problems([{ ...acme, parity: [{ bit: 1, type: 'even', covers: ['1-17'] }] }]).join('\n'),
      /parity\.0\.covers: a parity bit cannot cover itself \(bit 1\)/,
    );
  });

  test('names a parity computed before a parity bit it covers', () => {
    const text = problems([
      {
        ...acme,
        parity: [
          { bit: 1, type: 'odd', covers: 'all-others' },
          { bit: 34, type: 'odd', covers: ['18-33'] },
        ],
      },
    ]).join('\n');
    assert.match(text, /parity\.0\.covers: covers parity bit 34, which is computed later \(parity\[1\]\); list parity\[0\] after it/);
  });

  test('names a bad range, an unknown built-in, a reserved id and a duplicate', () => {
    assert.match(
      problems([{ ...acme, parity: [{ bit: 1, type: 'even', covers: ['17-2'] }] }]).join('\n'),
      /parity\.0\.covers\.0: range '17-2' must be 'first-last', running upwards/,
    );
    assert.match(
      problems(['h99999']).join('\n'),
      /formats\.0: 'h99999' is not a built-in format \(h10301, h10306, corp1000-35, h10304, corp1000-48\)/,
    );
    assert.match(problems([{ ...acme, id: 'uid' }]).join('\n'), /formats\.0\.id: em4100, uid and raw are reserved/);
    assert.match(problems(['h10301', { ...acme, id: 'h10301' }]).join('\n'), /formats\.1: format id 'h10301' is listed twice/);
  });

  test('the built-in definitions pass the same checks as a custom layout', () => {
    for (const format of ALL) {
      const parsed: WiegandFormat = wiegandFormatSchema.parse({
        id: format.id,
        name: format.name,
        bits: format.bits,
        facility: format.facility,
        card: format.card,
        parity: format.parity.map((p) => ({ bit: p.bit, type: p.type, covers: [...p.covers] })),
      });
      assert.deepEqual(parsed, format);
    }
  });
});
