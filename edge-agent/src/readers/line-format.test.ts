import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { BUILT_IN_WIEGAND_FORMATS } from '@acs/shared/credentials/wiegand';
import { INVITATION_PREFIX } from '@acs/shared/api/reception';
import { isValidCredential } from '@acs/shared/credentials/credential';
import { bytesArbitrary, checkProperty, cutsArbitrary, fc, PROPERTY_SEED, splitAt } from '../test-support/property.js';
import { LineDecoder, parseLine, type LineFormat } from './line-format.js';

const h10301 = BUILT_IN_WIEGAND_FORMATS.h10301!;

describe('line formats of keyboard-wedge readers', () => {
  const em: LineFormat = { type: 'em4100-decimal' };
  const fcCn: LineFormat = { type: 'wiegand-fc-cn', wiegandFormat: h10301 };
  const uid: LineFormat = { type: 'hex-uid' };

  test('reads the 10-digit EM number of the line-reader docs as em4100:3887558', () => {
    assert.deepEqual(parseLine('0003887558', em), { credential: 'em4100:3887558' });
    assert.deepEqual(parseLine('  4294967295 ', em), { credential: 'em4100:4294967295' });
  });

  test('refuses EM lines that are not 10 digits or exceed 32 bits', () => {
    for (const line of ['3887558', '00038875580', '000388755x', '4294967296', '']) {
      assert.ok('error' in parseLine(line, em), line);
    }
  });

  test('reads FC,CN and FC:CN as a Wiegand credential of the configured format', () => {
    assert.deepEqual(parseLine('123,4567', fcCn), { credential: 'h10301:123:4567' });
    assert.deepEqual(parseLine('123:4567', fcCn), { credential: 'h10301:123:4567' });
    assert.deepEqual(parseLine('7 , 12', fcCn), { credential: 'h10301:7:12' });
  });

  test('refuses FC/CN that do not fit the format, or are not two numbers', () => {
    assert.deepEqual(parseLine('256,1', fcCn), { error: 'facility code 256 does not fit HID H10301 26-bit (0-255)' });
    assert.deepEqual(parseLine('1,65536', fcCn), { error: 'card number 65536 does not fit HID H10301 26-bit (0-65535)' });
    assert.ok('error' in parseLine('123;4567', fcCn));
    assert.ok('error' in parseLine('1234567', fcCn));
  });

  test('reads a visitor invitation QR as a qr: credential and refuses anything else', () => {
    const qr: LineFormat = { type: 'qr-invitation' };
    assert.deepEqual(parseLine('ACSV1:0123456789abcdefghij\r', qr), { credential: 'qr:0123456789abcdefghij' });
    for (const line of [
      '0123456789abcdefghij',
      'ACSV1:short',
      'ACSV1:UPPERCASE0123456789',
      'ACSV2:0123456789abcdefghij',
      'ACSV1:0123456789abcdefghij;drop',
    ]) {
      assert.ok('error' in parseLine(line, qr), line);
    }
  });

  test('reads hex UIDs of 4, 7 and 10 bytes, with or without separators', () => {
    assert.deepEqual(parseLine('04A1B2C3', uid), { credential: 'uid:04a1b2c3' });
    assert.deepEqual(parseLine('04:a1:b2:c3:d4:e5:f6', uid), { credential: 'uid:04a1b2c3d4e5f6' });
    assert.deepEqual(parseLine('04 A1 B2 C3 D4 E5 F6 07 08 09', uid), { credential: 'uid:04a1b2c3d4e5f60708' + '09' });
    for (const line of ['04A1B2', '04A1B2C', 'GGA1B2C3', '04A1B2C3D4E5F60708090A0B']) assert.ok('error' in parseLine(line, uid), line);
  });

  test('reads a site pattern with named groups', () => {
    const tag: LineFormat = { type: 'regex', pattern: /^ID=(?<tag>[0-9A-F]{8});$/, credential: 'em4100', radix: 16 };
    assert.deepEqual(parseLine('ID=003B51C6;', tag), { credential: 'em4100:3887558' });
    assert.deepEqual(parseLine('ID=XYZ', tag), { error: 'does not match ^ID=(?<tag>[0-9A-F]{8});$' });
    const wiegand: LineFormat = {
      type: 'regex',
      pattern: /^F(?<facility>\d+)C(?<card>\d+)$/,
      credential: 'wiegand',
      radix: 10,
      wiegandFormat: h10301,
    };
    assert.deepEqual(parseLine('F12C3456', wiegand), { credential: 'h10301:12:3456' });
    assert.ok('error' in parseLine('F999C1', wiegand));
    const chip: LineFormat = { type: 'regex', pattern: /^UID:(?<uid>\w+)$/, credential: 'uid', radix: 10 };
    assert.deepEqual(parseLine('UID:04A1B2C3', chip), { credential: 'uid:04a1b2c3' });
    assert.ok('error' in parseLine('UID:04A1B2C', chip));
  });
});

describe('line splitting', () => {
  test('splits at CR, LF and CRLF across chunks and skips empty lines', () => {
    const decoder = new LineDecoder();
    assert.deepEqual(decoder.push(Buffer.from('00038')), []);
    assert.deepEqual(decoder.push(Buffer.from('87558\r')), ['0003887558']);
    assert.deepEqual(decoder.push(Buffer.from('\n123,4567\n\n04A1B2C3\r\n')), ['123,4567', '04A1B2C3']);
    assert.equal(decoder.stats.lines, 3);
  });

  test('drops a line longer than the limit whole, and reads the next one', () => {
    const dropped: string[] = [];
    const decoder = new LineDecoder(16, (start) => dropped.push(start));
    assert.deepEqual(decoder.push(Buffer.from(`${'9'.repeat(40)}\r\n0003887558\r\n`)), ['0003887558']);
    assert.equal(decoder.stats.overlong, 1);
    assert.deepEqual(dropped, ['9'.repeat(16)]);
  });

  test('forgets a partial line on reset', () => {
    const decoder = new LineDecoder();
    decoder.push(Buffer.from('0003'));
    decoder.reset();
    assert.deepEqual(decoder.push(Buffer.from('887558\n')), ['887558']);
  });
});

describe(`line formats and splitting, properties (fast-check, seed ${PROPERTY_SEED})`, () => {
  const FORMATS: readonly LineFormat[] = [
    { type: 'em4100-decimal' },
    { type: 'wiegand-fc-cn', wiegandFormat: h10301 },
    { type: 'hex-uid' },
    { type: 'qr-invitation' },
    { type: 'regex', pattern: /^(?<facility>\d+)\/(?<card>\d+)$/, credential: 'wiegand', radix: 10, wiegandFormat: h10301 },
    { type: 'regex', pattern: /^T(?<tag>[0-9A-F]+)$/, credential: 'em4100', radix: 16 },
    { type: 'regex', pattern: /^U(?<uid>.*)$/, credential: 'uid', radix: 16 },
  ];
  /** What a serial line delivers as text: bytes read one character each, or any Unicode. */
  const text = fc.oneof(
    bytesArbitrary(80).map((b) => Buffer.from(b).toString('latin1')),
    fc.string({ maxLength: 80, unit: 'binary', size: 'max' }),
  );
  const decoderLine = fc.string({
    minLength: 1,
    maxLength: 64,
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  });

  function split(chunks: readonly Uint8Array[], maxLength = 64) {
    const decoder = new LineDecoder(maxLength);
    return { lines: chunks.flatMap((chunk) => decoder.push(chunk)), stats: decoder.stats };
  }

  test('any text in any format: a canonical credential or a non-empty reason, never an exception', () => {
    checkProperty(
      fc.property(text, fc.constantFrom(...FORMATS), (line, format) => {
        const result = parseLine(line, format);
        if ('credential' in result) assert.ok(isValidCredential(result.credential), `${JSON.stringify(line)} gave ${result.credential}`);
        else assert.ok(result.error.length > 0, 'a refusal says why');
      }),
      600,
    );
  });

  test('numbers written the way the readers write them read back as the same credential', () => {
    checkProperty(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 255 }),
        fc.nat({ max: 0xffff }),
        fc.uint8Array({ minLength: 4, maxLength: 10 }),
        fc.constantFrom('', ':', '-', ' '),
        fc.stringMatching(/^[a-z0-9]{16,64}$/),
        fc.constantFrom('', ' ', '\r'),
        (tag, facility, card, uid, separator, token, padding) => {
          assert.deepEqual(parseLine(`${String(tag).padStart(10, '0')}${padding}`, { type: 'em4100-decimal' }), {
            credential: `em4100:${tag}`,
          });
          assert.deepEqual(parseLine(`${facility}${separator === ':' ? ':' : ','}${card}`, FORMATS[1]!), {
            credential: `h10301:${facility}:${card}`,
          });
          const hex = [...uid].map((b) => b.toString(16).padStart(2, '0'));
          assert.deepEqual(parseLine(hex.join(separator).toUpperCase(), { type: 'hex-uid' }), { credential: `uid:${hex.join('')}` });
          assert.deepEqual(parseLine(`${INVITATION_PREFIX}${token}${padding}`, { type: 'qr-invitation' }), { credential: `qr:${token}` });
        },
      ),
      300,
    );
  });

  test('any bytes in any chunks: the same lines as in one chunk, none empty, none longer than the limit, none holding a line end', () => {
    checkProperty(
      fc.property(bytesArbitrary(300), cutsArbitrary, fc.integer({ min: 1, max: 64 }), (bytes, cuts, maxLength) => {
        const whole = split([bytes], maxLength);
        const chunked = split(splitAt(bytes, cuts), maxLength);
        assert.deepEqual(chunked.lines, whole.lines);
        assert.deepEqual(chunked.stats, whole.stats);
        for (const line of whole.lines)
          assert.ok(line.length > 0 && line.length <= maxLength && !/[\r\n]/.test(line), JSON.stringify(line));
      }),
      400,
    );
  });

  test('a line after any noise and a line end is read whole, whatever the chunking', () => {
    checkProperty(
      fc.property(bytesArbitrary(200), fc.constantFrom('\r', '\n', '\r\n'), decoderLine, cutsArbitrary, (noise, end, line, cuts) => {
        const stream = Buffer.concat([noise, Buffer.from(`${end}${line}${end}`, 'latin1')]);
        assert.equal(split(splitAt(stream, cuts)).lines.at(-1), line);
      }),
      300,
    );
  });
});
