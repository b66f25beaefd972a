import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimGpio, SimWiegandTransmitter } from '@acs/hardware-sim';
import {
  BUILT_IN_WIEGAND_FORMATS,
  bitsFromString,
  decodeWiegand,
  encodeWiegand,
  isWiegandDecodeError,
  wiegandFormatListSchema,
  wiegandFormatSchema,
  type WiegandBit,
  type WiegandFormat,
} from '@acs/shared/credentials/wiegand';
import type { CardRead } from '@acs/shared/hardware/interfaces';
import { captureLogger, until } from '../test-support/fixtures.js';
import { checkProperty, fc, PROPERTY_SEED } from '../test-support/property.js';
import { WiegandReader, type WiegandReaderOptions } from './wiegand-reader.js';

const F = BUILT_IN_WIEGAND_FORMATS;
const ALL = Object.values(F);
const MS = 1_000_000n;

function setup(options: Partial<WiegandReaderOptions> = {}) {
  const gpio = new SimGpio();
  const tx = new SimWiegandTransmitter(gpio, { d0Line: 5, d1Line: 6 });
  const log = captureLogger();
  const reader = new WiegandReader({
    id: 'wg',
    gpio,
    d0Line: 5,
    d1Line: 6,
    formats: ALL,
    frameTimeoutMs: 25,
    debounceMs: 0,
    log: log.logger,
    ...options,
  });
  const cards: CardRead[] = [];
  reader.on('card', (c) => cards.push(c));
  return { gpio, tx, reader, cards, log };
}

describe('Wiegand reader on simulated GPIO', () => {
  const vectors: [string, number, number][] = [
    ['h10301', 123, 4567],
    ['h10306', 1234, 56789],
    ['corp1000-35', 1000, 123456],
    ['h10304', 12345, 123456],
    ['corp1000-48', 1000, 123456],
  ];
  for (const [id, facility, card] of vectors) {
    test(`turns the pulse train of ${F[id]!.name} ${facility}:${card} into ${id}:${facility}:${card}, stamped at the last edge`, async () => {
      const { tx, reader, cards } = setup();
      await reader.start();
      onTestFinished(() => reader.stop());
      const last = tx.sendInstant(encodeWiegand(F[id]!, { facility, card }));
      await until(() => cards.length === 1, 1000, 'the card');
      assert.deepEqual([cards[0]!.readerId, cards[0]!.credential, cards[0]!.receivedAtNs], ['wg', `${id}:${facility}:${card}`, last]);
    });
  }

  test('watches rising edges only, without debounce (the onoff pitfall)', async () => {
    const claimed: unknown[] = [];
    const gpio = new SimGpio();
    const spy = { ...gpio, input: (line: number, options: unknown) => (claimed.push([line, options]), gpio.input(line, options as never)) };
    const reader = new WiegandReader({
      id: 'wg',
      gpio: spy as unknown as SimGpio,
      d0Line: 5,
      d1Line: 6,
      formats: ALL,
      log: captureLogger().logger,
    });
    await reader.start();
    onTestFinished(() => reader.stop());
    assert.deepEqual(claimed, [
      [5, { debounceMs: 0, edge: 'rising' }],
      [6, { debounceMs: 0, edge: 'rising' }],
    ]);
  });

  test('reads a frame sent with real timers (2 ms per bit) once the line stays quiet for the frame timeout', async () => {
    // A long timeout: real timers on a loaded test machine stall far longer than 25 ms.
    const { tx, reader, cards } = setup({ frameTimeoutMs: 500 });
    await reader.start();
    onTestFinished(() => reader.stop());
    await tx.present(F.h10301!, { facility: 1, card: 1 });
    assert.equal(cards.length, 0, 'not before the timeout');
    await until(() => cards.length === 1, 3000, 'the card');
    assert.equal(cards[0]!.credential, 'h10301:1:1');
  });

  test('splits two cards sent back to back by the gap between their edges', async () => {
    const { tx, reader, cards } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    const start = process.hrtime.bigint();
    const firstEnd = tx.sendInstant(encodeWiegand(F.h10301!, { facility: 1, card: 2 }), { startNs: start });
    // 30 ms of silence (more than the 25 ms timeout), delivered in the same tick.
    tx.sendInstant(encodeWiegand(F.h10301!, { facility: 3, card: 4 }), { startNs: firstEnd + 30n * MS });
    await until(() => cards.length === 2, 1000, 'two cards');
    assert.deepEqual(
      cards.map((c) => c.credential),
      ['h10301:1:2', 'h10301:3:4'],
    );
    assert.equal(cards[0]!.receivedAtNs, firstEnd);
  });

  test('merges edges closer than the timeout into one frame: two cards 10 ms apart make a 52-bit frame that is rejected', async () => {
    const { tx, reader, cards, log } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    const end = tx.sendInstant(encodeWiegand(F.h10301!, { facility: 1, card: 2 }));
    tx.sendInstant(encodeWiegand(F.h10301!, { facility: 3, card: 4 }), { startNs: end + 10n * MS });
    await until(() => reader.stats.frames === 1, 1000, 'one frame');
    assert.equal(cards.length, 0);
    assert.equal(reader.stats.bitCountErrors, 1);
    assert.equal(log.find('52-bit frame: no configured format has 52 bits', 'DEBUG').length, 1);
  });

  test('rejects a frame with a dropped bit, counts and logs it, and reads the next card', async () => {
    const { tx, reader, cards, log } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    const bits = encodeWiegand(F.h10301!, { facility: 123, card: 4567 });
    const end = tx.sendInstant([...bits.slice(0, 12), ...bits.slice(13)]);
    tx.sendInstant(bits, { startNs: end + 40n * MS });
    await until(() => reader.stats.frames === 2, 1000, 'two frames');
    assert.deepEqual(
      cards.map((c) => c.credential),
      ['h10301:123:4567'],
    );
    assert.equal(reader.stats.bitCountErrors, 1);
    assert.equal(log.find('rejected Wiegand frame on wg: 25-bit frame', 'DEBUG').length, 1);
  });

  test('rejects a frame with a flipped bit and names the parity that failed', async () => {
    const { tx, reader, cards, log } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    const bits = [...encodeWiegand(F.h10301!, { facility: 123, card: 4567 })];
    bits[20] = (1 - bits[20]!) as WiegandBit;
    tx.sendInstant(bits);
    await until(() => reader.stats.frames === 1, 1000, 'the frame');
    assert.equal(cards.length, 0);
    assert.equal(reader.stats.parityErrors, 1);
    assert.equal(log.find('parity failed: h10301 bit 26 (odd)', 'DEBUG').length, 1);
  });

  test('a frame of a length no format has becomes raw:<bits>:<hex> only when the reader allows raw', async () => {
    const raw = setup({ allowRaw: true, formats: [F.h10301!] });
    await raw.reader.start();
    onTestFinished(() => raw.reader.stop());
    raw.tx.sendInstant(bitsFromString('1'.repeat(32)));
    await until(() => raw.cards.length === 1, 1000, 'the raw card');
    assert.equal(raw.cards[0]!.credential, 'raw:32:ffffffff');
    // A 26-bit frame with a bad parity is still rejected: it is a damaged H10301 frame.
    raw.tx.sendInstant(bitsFromString('00000000000000000000000000'), { startNs: process.hrtime.bigint() + 100n * MS });
    await until(() => raw.reader.stats.frames === 2, 1000, 'the second frame');
    assert.equal(raw.cards.length, 1);
  });

  test('reads a custom layout from configuration', async () => {
    const formats: WiegandFormat[] = wiegandFormatListSchema.parse([
      {
        id: 'acme-30',
        bits: 30,
        facility: { start: 2, length: 10 },
        card: { start: 12, length: 18 },
        parity: [
          { bit: 1, type: 'odd', covers: ['2-15'] },
          { bit: 30, type: 'even', covers: ['16-29'] },
        ],
      },
      'h10301',
    ]);
    const { tx, reader, cards } = setup({ formats });
    await reader.start();
    onTestFinished(() => reader.stop());
    tx.sendInstant(encodeWiegand(formats[0]!, { facility: 1000, card: 200000 }));
    await until(() => cards.length === 1, 1000, 'the card');
    assert.equal(cards[0]!.credential, 'acme-30:1000:200000');
  });

  test('drops a frame of more than 128 bits (a stuck or noisy line)', async () => {
    const { tx, reader, cards } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    tx.sendInstant(bitsFromString('10'.repeat(100)), { timing: { pulseWidthUs: 50, intervalUs: 100 } });
    await until(() => reader.stats.overlong === 1, 1000, 'the overlong frame');
    assert.equal(cards.length, 0);
  });

  test('debounces a reader that repeats the card while it is held', async () => {
    const { tx, reader, cards } = setup({ debounceMs: 500 });
    await reader.start();
    onTestFinished(() => reader.stop());
    const bits = encodeWiegand(F.h10301!, { facility: 1, card: 1 });
    let at = process.hrtime.bigint();
    for (let i = 0; i < 3; i++) at = tx.sendInstant(bits, { startNs: at + 100n * MS });
    await sleep(60);
    assert.equal(reader.stats.cards, 3);
    assert.equal(cards.length, 1);
  });

  test('stops listening when stopped: the lines can be claimed again', async () => {
    const { gpio, reader } = setup();
    await reader.start();
    await reader.stop();
    assert.doesNotThrow(() => gpio.input(5, { debounceMs: 0 }));
  });
});

// The decoding itself lives in shared/src/credentials/wiegand.ts; its properties are checked
// here, where fast-check is a dependency, against every format the agent reads.
describe(`Wiegand decoding, properties (fast-check, seed ${PROPERTY_SEED})`, () => {
  const numberIn = (format: WiegandFormat) =>
    fc
      .tuple(fc.nat({ max: 2 ** (format.facility?.length ?? 0) - 1 }), fc.nat({ max: 2 ** format.card.length - 1 }))
      .map(([facility, card]) => ({ format, facility, card }));
  const builtInCard = fc.constantFrom(...ALL).chain(numberIn);
  /** Custom layouts as a site writes them: parity, facility, card, parity, fields of any width. */
  const customFormat = fc
    .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 2, max: 32 }), fc.constantFrom('even', 'odd'), fc.constantFrom('even', 'odd'))
    .map(([facilityBits, cardBits, lead, trail]) => {
      const bits = facilityBits + cardBits + 2;
      const half = 1 + Math.floor((bits - 2) / 2);
      return wiegandFormatSchema.parse({
        id: 'site',
        bits,
        ...(facilityBits > 0 ? { facility: { start: 2, length: facilityBits } } : {}),
        card: { start: 2 + facilityBits, length: cardBits },
        parity: [
          { bit: 1, type: lead, covers: [`2-${half}`] },
          { bit: bits, type: trail, covers: [`${half + 1}-${bits - 1}`] },
        ],
      });
    });

  test('any built-in or custom layout: encoded numbers decode back to themselves', () => {
    checkProperty(
      fc.property(fc.oneof(builtInCard, customFormat.chain(numberIn)), ({ format, facility, card }) => {
        const decoded = decodeWiegand(encodeWiegand(format, { facility, card }), [format]);
        assert.ok(!isWiegandDecodeError(decoded), isWiegandDecodeError(decoded) ? decoded.message : '');
        assert.deepEqual([decoded.format.id, decoded.facility, decoded.card], [format.id, format.facility ? facility : 0, card]);
      }),
      400,
    );
  });

  test('one flipped bit in a frame of a built-in format is refused, naming the parity that failed', () => {
    checkProperty(
      fc.property(builtInCard, fc.nat(), ({ format, facility, card }, at) => {
        const bits = encodeWiegand(format, { facility, card });
        const position = at % bits.length;
        bits[position] = (1 - bits[position]!) as WiegandBit;
        const decoded = decodeWiegand(bits, ALL);
        assert.ok(isWiegandDecodeError(decoded) && decoded.error === 'parity', `bit ${position + 1} of ${format.id}`);
        assert.ok(decoded.failures.length > 0 && decoded.message.length > 0);
      }),
      400,
    );
  });

  test('any bits: a decoded number that fits its fields, or an error that says why; never an exception', () => {
    checkProperty(
      fc.property(fc.array(fc.constantFrom<WiegandBit>(0, 1), { maxLength: 130, size: 'max' }), (bits) => {
        const decoded = decodeWiegand(bits, ALL);
        if (isWiegandDecodeError(decoded)) assert.ok(decoded.message.length > 0);
        else assert.deepEqual(encodeWiegand(decoded.format, decoded), bits, 'a frame accepted is the frame of its number');
      }),
      400,
    );
  });

  test('any configuration value for a layout: a format or issues that each say what is wrong, never an exception', () => {
    checkProperty(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ id: fc.string(), bits: fc.integer(), card: fc.jsonValue(), parity: fc.jsonValue() }, { requiredKeys: [] }),
        ),
        (value) => {
          const result = wiegandFormatListSchema.safeParse([value]);
          if (!result.success) for (const issue of result.error.issues) assert.ok(issue.message.length > 0);
        },
      ),
      400,
    );
  });
});
