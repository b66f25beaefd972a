import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import {
  buzzerPayload,
  comsetPayload,
  keysetPayload,
  ledPayload,
  OsdpReplyError,
  parseCom,
  parseKeypad,
  parseLocalStatus,
  parsePdcap,
  parsePdid,
  parseRaw,
  summariseCapabilities,
} from './osdp-messages.js';
import { isValidCredential, wiegandCredential } from '@acs/shared/credentials/credential';
import { BUILT_IN_WIEGAND_FORMATS, bitsToString, encodeWiegand } from '@acs/shared/credentials/wiegand';
import { bytesArbitrary, checkProperty, fc, PROPERTY_SEED } from '../../test-support/property.js';
import { decodeRawCardData, packBits, RawCardDataError } from './raw-card-data.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('OSDP command payloads', () => {
  test('LED: one 14-byte record with temporary and permanent settings in protocol order', () => {
    const record = ledPayload({
      temporary: { onTime: 5, offTime: 5, onColor: 2, offColor: 0, timer: 0x0123 },
      permanent: { onTime: 1, offTime: 0, onColor: 1, offColor: 1 },
    });
    assert.deepEqual(record, hex('00 00 02 05 05 02 00 23 01 01 01 00 01 01'));
    assert.deepEqual(ledPayload({ cancelTemporary: true }), hex('00 00 01 00 00 00 00 00 00 00 00 00 00 00'));
  });

  test('BUZ, COMSET (baud little-endian, as in the published COMSET vector) and KEYSET', () => {
    assert.deepEqual(buzzerPayload({ tone: 2, onTime: 1, offTime: 1, count: 3 }), hex('00 02 01 01 03'));
    assert.deepEqual(comsetPayload(0, 9600), hex('00 80 25 00 00'));
    assert.deepEqual(keysetPayload(Buffer.alloc(16, 0xab)).subarray(0, 3), hex('01 10 ab'));
    assert.throws(() => comsetPayload(127, 9600), /address/);
    assert.throws(() => keysetPayload(Buffer.alloc(8)), /16 bytes/);
  });
});

describe('OSDP reply parsing', () => {
  test('PDID: vendor code, model, version, serial (little-endian) and firmware', () => {
    assert.deepEqual(parsePdid(hex('5a 43 53 02 01 01 10 00 00 01 04 02')), {
      vendorCode: '5a4353',
      model: 2,
      version: 1,
      serialNumber: 0x1001,
      firmware: '1.4.2',
    });
    assert.throws(() => parsePdid(hex('5a 43')), OsdpReplyError);
  });

  test('PDCAP: triples, summarised into what the agent may use', () => {
    const caps = parsePdcap(hex('04 01 02  05 01 01  08 00 00  09 01 01'));
    assert.equal(caps.length, 4);
    assert.deepEqual(summariseCapabilities(caps), { leds: 2, buzzer: true, crc: false, secureChannel: true, readers: 0 });
    assert.deepEqual(summariseCapabilities(parsePdcap(hex('03 01 00'))), {
      leds: 0,
      buzzer: false,
      crc: true,
      secureChannel: false,
      readers: 0,
    });
    assert.throws(() => parsePdcap(hex('04 01')), OsdpReplyError);
  });

  test('RAW, KEYPAD and COM', () => {
    assert.deepEqual(parseRaw(hex('00 01 1A 00 BD 88 EB 80')), { reader: 0, format: 1, bitCount: 26, data: hex('BD 88 EB 80') });
    assert.throws(() => parseRaw(hex('00 01 1A 00 BD 88')), /26 bits/);
    assert.deepEqual(parseKeypad(hex('00 04 31 32 7F 0D')), { reader: 0, keys: '12*#' });
    assert.throws(() => parseKeypad(hex('00 05 31')), OsdpReplyError);
    assert.deepEqual(parseCom(hex('05 00 C2 01 00')), { address: 5, baudRate: 115200 });
  });

  test('LSTATR: tamper then power, each 0 normal or 1 alarm; anything else is refused', () => {
    assert.deepEqual(parseLocalStatus(hex('01 00')), { tamper: true, powerFailure: false });
    assert.deepEqual(parseLocalStatus(hex('00 01')), { tamper: false, powerFailure: true });
    assert.deepEqual(parseLocalStatus(hex('00 00')), { tamper: false, powerFailure: false });
    assert.throws(() => parseLocalStatus(hex('01')), /2 bytes, got 1/);
    assert.throws(() => parseLocalStatus(hex('01 00 00')), /2 bytes, got 3/);
    assert.throws(() => parseLocalStatus(hex('02 00')), /must be 0 or 1/);
  });
});

describe(`OSDP reply parsers, properties (fast-check, seed ${PROPERTY_SEED})`, () => {
  const PARSERS: ReadonlyArray<[string, (data: Buffer) => unknown]> = [
    ['PDID', parsePdid],
    ['PDCAP', parsePdcap],
    ['RAW', parseRaw],
    ['KEYPAD', parseKeypad],
    ['LSTATR', parseLocalStatus],
    ['COM', parseCom],
  ];

  test('any reply data: a value or an OsdpReplyError that says why, never another exception', () => {
    checkProperty(
      fc.property(bytesArbitrary(40), fc.constantFrom(...PARSERS), (bytes, [name, parse]) => {
        try {
          parse(Buffer.from(bytes));
        } catch (err) {
          assert.ok(err instanceof OsdpReplyError, `${name}: ${String(err)}`);
          assert.ok(err.message.length > 0);
        }
      }),
      600,
    );
  });

  test('any RAW card data: a canonical credential or a RawCardDataError that says why', () => {
    checkProperty(
      fc.property(fc.nat({ max: 3 }), fc.integer({ min: -1, max: 300 }), bytesArbitrary(40), (format, bitCount, bytes) => {
        try {
          assert.ok(isValidCredential(decodeRawCardData(format, bitCount, bytes)));
        } catch (err) {
          assert.ok(err instanceof RawCardDataError, String(err));
          assert.ok(err.message.length > 0);
        }
      }),
      600,
    );
  });

  test('a card of any built-in Wiegand format, sent as osdp_RAW, reads back as its facility and card number', () => {
    const card = fc.constantFrom(...Object.values(BUILT_IN_WIEGAND_FORMATS)).chain((format) =>
      fc.record({
        format: fc.constant(format),
        facility: fc.nat({ max: 2 ** (format.facility?.length ?? 0) - 1 }),
        card: fc.nat({ max: 2 ** format.card.length - 1 }),
        reader: fc.nat({ max: 255 }),
      }),
    );
    checkProperty(
      fc.property(card, ({ format, facility, card: number, reader }) => {
        const bits = bitsToString(encodeWiegand(format, { facility, card: number }));
        const payload = Buffer.concat([Buffer.from([reader, 1, bits.length & 0xff, bits.length >> 8]), packBits(bits)]);
        const raw = parseRaw(payload);
        assert.deepEqual([raw.reader, raw.format, raw.bitCount], [reader, 1, bits.length]);
        assert.equal(decodeRawCardData(raw.format, raw.bitCount, raw.data), wiegandCredential(format.id, facility, number));
      }),
      300,
    );
  });

  test('COMSET settings read back from osdp_COM, and capabilities from osdp_PDCAP', () => {
    checkProperty(
      fc.property(
        fc.nat({ max: 0x7e }),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.array(
          fc
            .tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }))
            .map(([fn, compliance, items]) => ({ function: fn, compliance, items })),
          { minLength: 1, maxLength: 20 },
        ),
        (address, baudRate, caps) => {
          assert.deepEqual(parseCom(comsetPayload(address, baudRate)), { address, baudRate });
          assert.deepEqual(parsePdcap(Buffer.from(caps.flatMap((c) => [c.function, c.compliance, c.items]))), caps);
        },
      ),
      300,
    );
  });
});
