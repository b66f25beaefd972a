import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { Readable } from 'node:stream';
import { encodeRdm6300Frame } from '@acs/hardware-sim';
import { bytesArbitrary, checkProperty, cutsArbitrary, fc, PROPERTY_SEED, splitAt } from '../test-support/property.js';
import { Rdm6300Decoder, Rdm6300Parser, type Rdm6300Rejection, type TimedRdm6300Frame } from './rdm6300-parser.js';

// docs/hardware.md#rdm6300-test-vectors: the verified vector and the second one.
const VERIFIED = Buffer.from([0x02, 0x36, 0x37, 0x30, 0x30, 0x33, 0x42, 0x35, 0x31, 0x43, 0x36, 0x43, 0x42, 0x03]);
const SECOND = Buffer.from([0x02, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x39, 0x32, 0x03]);

function decodeAll(chunks: Uint8Array[]): {
  frames: ReturnType<Rdm6300Decoder['push']>;
  rejections: Rdm6300Rejection[];
  decoder: Rdm6300Decoder;
} {
  const rejections: Rdm6300Rejection[] = [];
  const decoder = new Rdm6300Decoder((r) => rejections.push(r));
  const frames = chunks.flatMap((c) => decoder.push(c));
  return { frames, rejections, decoder };
}

describe('RDM6300 frame decoder', () => {
  test('decodes the verified vector to tag 3887558 with version byte 0x67', () => {
    assert.equal(VERIFIED.toString('latin1'), '\x0267003B51C6CB\x03');
    const { frames } = decodeAll([VERIFIED]);
    assert.deepEqual(frames, [{ tag: 3887558, versionByte: 0x67 }]);
  });

  test('rejects the verified frame with 68 in place of 67 as a checksum failure', () => {
    const corrupted = Buffer.from(VERIFIED);
    corrupted[2] = 0x38; // "67" → "68"
    const { frames, rejections, decoder } = decodeAll([corrupted]);
    assert.deepEqual(frames, []);
    assert.equal(rejections.length, 1);
    assert.equal(rejections[0]!.reason, 'checksum');
    assert.equal(decoder.stats.checksumErrors, 1);
    assert.equal(decoder.stats.frames, 0);
  });

  test('accepts the second vector, whose checksum is 0x92', () => {
    const { frames } = decodeAll([SECOND]);
    assert.deepEqual(frames, [{ tag: 0x3456789a, versionByte: 0x12 }]);
  });

  test('reassembles a frame split across three chunks', () => {
    const { frames } = decodeAll([VERIFIED.subarray(0, 3), VERIFIED.subarray(3, 9), VERIFIED.subarray(9)]);
    assert.deepEqual(frames, [{ tag: 3887558, versionByte: 0x67 }]);
  });

  test('skips a noisy prefix before the frame', () => {
    const noise = Buffer.from([0xff, 0x00, 0x41, 0x03, 0x37, 0x13]);
    const { frames, decoder } = decodeAll([Buffer.concat([noise, VERIFIED])]);
    assert.deepEqual(frames, [{ tag: 3887558, versionByte: 0x67 }]);
    assert.equal(decoder.stats.noiseBytes, noise.length);
  });

  test('decodes two frames with garbage between them', () => {
    const { frames } = decodeAll([Buffer.concat([VERIFIED, Buffer.from('zz\x00\x03!'), SECOND])]);
    assert.deepEqual(
      frames.map((f) => f.tag),
      [3887558, 0x3456789a],
    );
  });

  test('drops a frame cut short by a new STX and resynchronises on that STX', () => {
    const { frames, rejections } = decodeAll([Buffer.concat([VERIFIED.subarray(0, 7), SECOND])]);
    assert.deepEqual(
      frames.map((f) => f.tag),
      [0x3456789a],
    );
    assert.equal(rejections[0]!.reason, 'interrupted');
  });

  test('rejects a frame containing a non-hex character', () => {
    const bad = Buffer.from(VERIFIED);
    bad[5] = 0x47; // 'G'
    const { frames, rejections } = decodeAll([bad, SECOND]);
    assert.deepEqual(
      frames.map((f) => f.tag),
      [0x3456789a],
    );
    assert.equal(rejections[0]!.reason, 'not_hex');
  });

  test('rejects a frame whose 14th byte is not ETX', () => {
    const bad = Buffer.from(VERIFIED);
    bad[13] = 0x04;
    const { frames, rejections } = decodeAll([bad]);
    assert.deepEqual(frames, []);
    assert.equal(rejections[0]!.reason, 'no_etx');
  });

  test('round-trips random tags through the simulator encoder byte by byte', () => {
    const decoder = new Rdm6300Decoder();
    checkProperty(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 255 }), (tag, version) => {
        const frame = encodeRdm6300Frame(tag, version);
        const frames = [...frame].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
        assert.deepEqual(frames, [{ tag, versionByte: version }], `tag ${tag} version ${version}`);
      }),
      200,
    );
  });

  test('agrees with the simulator encoder on the verified vector', () => {
    assert.deepEqual(encodeRdm6300Frame(3887558, 0x67), VERIFIED);
    assert.deepEqual(encodeRdm6300Frame(0x3456789a, 0x12), SECOND);
  });
});

describe('RDM6300 parser stream', () => {
  test('emits timed frames from a piped byte stream split anywhere', async () => {
    const parser = new Rdm6300Parser();
    const frames: TimedRdm6300Frame[] = [];
    parser.on('data', (f: TimedRdm6300Frame) => frames.push(f));
    const bytes = Buffer.concat([Buffer.from([0x55]), VERIFIED, SECOND]);
    const before = process.hrtime.bigint();
    Readable.from([bytes.subarray(0, 5), bytes.subarray(5, 20), bytes.subarray(20)]).pipe(parser);
    await new Promise((resolve) => parser.on('end', resolve));
    assert.deepEqual(
      frames.map((f) => f.tag),
      [3887558, 0x3456789a],
    );
    for (const f of frames) assert.ok(f.receivedAtNs >= before, 'receivedAtNs is an hrtime taken when the chunk arrived');
  });
});

describe(`RDM6300 decoder properties (fast-check, seed ${PROPERTY_SEED})`, () => {
  const tagFrame = fc
    .tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 255 }))
    .map(([tag, version]) => ({ tag, version, bytes: encodeRdm6300Frame(tag, version) }));
  /** Noise that looks like frames: STX, ETX and hex digits mixed with anything. */
  const noise = fc
    .array(fc.oneof(fc.constantFrom(0x02, 0x03, 0x30, 0x39, 0x41, 0x46, 0x61), fc.nat({ max: 255 })), { maxLength: 60, size: 'max' })
    .map((bytes) => Uint8Array.from(bytes));

  test('any bytes in any chunks: nothing thrown, the same frames and rejections as in one chunk, every rejection with a reason', () => {
    checkProperty(
      fc.property(fc.oneof(noise, bytesArbitrary(80)), cutsArbitrary, (bytes, cuts) => {
        const whole = decodeAll([bytes]);
        const chunked = decodeAll(splitAt(bytes, cuts));
        assert.deepEqual(chunked.frames, whole.frames);
        assert.deepEqual(chunked.rejections, whole.rejections);
        assert.deepEqual(chunked.decoder.stats, whole.decoder.stats);
        for (const rejection of whole.rejections) {
          assert.ok(['checksum', 'not_hex', 'no_etx', 'interrupted'].includes(rejection.reason));
          assert.ok(rejection.detail.length > 0, 'a rejection says why');
        }
        assert.equal(whole.decoder.stats.frames, whole.frames.length);
      }),
      300,
    );
  });

  test('a valid frame after any noise is still found, whatever the chunking', () => {
    checkProperty(
      fc.property(noise, tagFrame, cutsArbitrary, (prefix, frame, cuts) => {
        const { frames } = decodeAll(splitAt(Buffer.concat([prefix, frame.bytes]), cuts));
        assert.deepEqual(frames.at(-1), { tag: frame.tag, versionByte: frame.version });
      }),
      300,
    );
  });

  test('a stream of valid frames in any chunks gives back exactly those tags', () => {
    checkProperty(
      fc.property(fc.array(tagFrame, { maxLength: 8, size: 'max' }), cutsArbitrary, (sent, cuts) => {
        const { frames, rejections } = decodeAll(splitAt(Buffer.concat(sent.map((f) => f.bytes)), cuts));
        assert.deepEqual(
          frames,
          sent.map((f) => ({ tag: f.tag, versionByte: f.version })),
        );
        assert.deepEqual(rejections, []);
      }),
      200,
    );
  });
});
