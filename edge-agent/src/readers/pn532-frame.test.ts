import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import {
  ACK_FRAME,
  NACK_FRAME,
  PN532_COMMAND,
  Pn532FrameDecoder,
  WAKE_UP,
  encodeCommand,
  encodeFrame,
  parseTypeATargets,
  type Pn532Frame,
  type Pn532Rejection,
  TFI_HOST,
  TFI_PN532,
} from './pn532-frame.js';
import { bytesArbitrary, checkProperty, cutsArbitrary, fc, PROPERTY_SEED, splitAt } from '../test-support/property.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('PN532 frame encoding: the documented PN532 test vectors, byte for byte', () => {
  test('GetFirmwareVersion', () => {
    assert.deepEqual(encodeCommand(PN532_COMMAND.GetFirmwareVersion), hex('00 00 FF 02 FE D4 02 2A 00'));
  });

  test('SAMConfiguration, normal mode, timeout 0x14, IRQ used', () => {
    assert.deepEqual(encodeCommand(PN532_COMMAND.SAMConfiguration, [0x01, 0x14, 0x01]), hex('00 00 FF 05 FB D4 14 01 14 01 02 00'));
  });

  test('InListPassiveTarget, one target, 106 kbps type A', () => {
    assert.deepEqual(encodeCommand(PN532_COMMAND.InListPassiveTarget, [0x01, 0x00]), hex('00 00 FF 04 FC D4 4A 01 00 E1 00'));
  });

  test('ACK and NACK frames, and the wake-up preamble', () => {
    assert.deepEqual(ACK_FRAME, hex('00 00 FF 00 FF 00'));
    assert.deepEqual(NACK_FRAME, hex('00 00 FF FF 00 00'));
    assert.deepEqual(WAKE_UP.subarray(0, 2), hex('55 55'));
    assert.ok(WAKE_UP.subarray(2).every((b) => b === 0));
  });

  test('length and data checksums balance to zero modulo 256 for any payload', () => {
    for (const data of [[0x4b, 0x00], [0x03, 0x32, 0x01, 0x06, 0x07], Array.from({ length: 200 }, (_, i) => i)]) {
      const frame = encodeFrame(0xd5, Uint8Array.from(data));
      assert.equal((frame[3]! + frame[4]!) % 256, 0);
      const body = frame.subarray(5, frame.length - 1);
      assert.equal(body.reduce((a, b) => a + b, 0) % 256, 0);
    }
    assert.throws(() => encodeFrame(0xd4, new Uint8Array(255)), /extended frame/);
  });
});

describe('PN532 frame decoding', () => {
  const firmwareReply = hex('00 00 FF 06 FA D5 03 32 01 06 07 E8 00');

  function decoder() {
    const rejections: Pn532Rejection[] = [];
    return { decoder: new Pn532FrameDecoder((r) => rejections.push(r)), rejections };
  }

  test('reads an ACK followed by a reply', () => {
    const { decoder: d } = decoder();
    const frames = d.push(Buffer.concat([ACK_FRAME, firmwareReply]));
    assert.deepEqual(frames, [{ kind: 'ack' }, { kind: 'data', tfi: 0xd5, code: 0x03, params: hex('32 01 06 07') }] satisfies Pn532Frame[]);
  });

  test('reassembles frames split at every byte boundary', () => {
    const stream = Buffer.concat([ACK_FRAME, firmwareReply]);
    for (let cut = 1; cut < stream.length; cut++) {
      const { decoder: d } = decoder();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      assert.deepEqual(
        frames.map((f) => f.kind),
        ['ack', 'data'],
        `cut at ${cut}`,
      );
    }
    const { decoder: d } = decoder();
    const frames = [...stream].flatMap((byte) => d.push(Buffer.from([byte])));
    assert.equal(frames.length, 2);
  });

  test('skips noise before, between and after frames and counts it', () => {
    const { decoder: d } = decoder();
    const frames = d.push(Buffer.concat([hex('13 FF 42'), ACK_FRAME, hex('AA 55'), firmwareReply, hex('7E')]));
    assert.deepEqual(
      frames.map((f) => f.kind),
      ['ack', 'data'],
    );
    assert.equal(d.stats.noiseBytes, 6);
  });

  test('rejects a bad length checksum and resynchronises on the next frame', () => {
    const { decoder: d, rejections } = decoder();
    const badLcs = Buffer.from(firmwareReply);
    badLcs[4] = 0xfb;
    const frames = d.push(Buffer.concat([badLcs, firmwareReply]));
    assert.deepEqual(
      frames.map((f) => f.kind),
      ['data'],
    );
    assert.equal(d.stats.lengthChecksumErrors, 1);
    assert.equal(rejections[0]!.reason, 'length_checksum');
  });

  test('rejects a bad data checksum and resynchronises on the next frame', () => {
    const { decoder: d, rejections } = decoder();
    const badDcs = Buffer.from(firmwareReply);
    badDcs[11] = 0xe9;
    const frames = d.push(Buffer.concat([badDcs, firmwareReply]));
    assert.deepEqual(
      frames.map((f) => f.kind),
      ['data'],
    );
    assert.equal(d.stats.dataChecksumErrors, 1);
    assert.match(rejections[0]!.detail, /DCS 0xe9/);
  });

  test('a frame cut short by the next one is dropped and the next one read', () => {
    const { decoder: d } = decoder();
    const truncated = firmwareReply.subarray(0, 8);
    // The truncated frame claims 6 data bytes: it swallows the start of the next frame,
    // fails its checksum, and decoding resumes inside what it swallowed.
    const frames = d.push(Buffer.concat([truncated, firmwareReply]));
    assert.deepEqual(
      frames.map((f) => f.kind),
      ['data'],
    );
  });

  test('reads NACK, the error frame and extended frames', () => {
    const { decoder: d } = decoder();
    const data = Buffer.from([0xd5, 0x4b, ...Array.from({ length: 298 }, (_, i) => i & 0xff)]);
    const sum = data.reduce((a, b) => a + b, 0);
    const extended = Buffer.concat([hex('00 00 FF FF FF 01 2C D3'), data, Buffer.from([(256 - (sum % 256)) % 256, 0])]);
    const frames = d.push(Buffer.concat([NACK_FRAME, hex('00 00 FF 01 FF 7F 81 00'), extended]));
    assert.deepEqual(
      frames.map((f) => f.kind),
      ['nack', 'error', 'data'],
    );
    assert.equal((frames[2] as Extract<Pn532Frame, { kind: 'data' }>).params.length, 298);
  });

  test('never holds more than 1 KiB of an unfinished frame', () => {
    const { decoder: d, rejections } = decoder();
    d.push(hex('00 00 FF FF FF FF FF 02'));
    d.push(Buffer.alloc(2000, 0x11));
    assert.equal(rejections.at(-1)?.reason, 'overflow');
    d.reset();
    assert.equal(d.push(firmwareReply).length, 1);
  });
});

describe('InListPassiveTarget replies', () => {
  test('no target in the field', () => {
    assert.deepEqual(parseTypeATargets(hex('00')), []);
  });

  test('a 4-byte MIFARE Classic UID and a 7-byte UID', () => {
    assert.deepEqual(parseTypeATargets(hex('01 01 00 04 08 04 04A1B2C3')), [
      { targetNumber: 1, sensRes: 0x0004, selRes: 0x08, uid: hex('04A1B2C3') },
    ]);
    assert.deepEqual(parseTypeATargets(hex('01 01 00 44 00 07 04A1B2C3D4E5F6'))?.[0]?.uid, hex('04A1B2C3D4E5F6'));
  });

  test('skips the ATS of an ISO 14443-4 card', () => {
    const targets = parseTypeATargets(hex('01 01 03 44 20 07 04A1B2C3D4E5F6 06 75 77 81 02 80'));
    assert.deepEqual(
      targets?.map((t) => t.uid.toString('hex')),
      ['04a1b2c3d4e5f6'],
    );
  });

  test('refuses replies that are cut short or name an impossible UID length', () => {
    assert.equal(parseTypeATargets(hex('01 01 00 04 08 04 04A1')), null);
    assert.equal(parseTypeATargets(hex('01 01 00 04 08 05 04A1B2C3D4')), null);
    assert.equal(parseTypeATargets(Buffer.alloc(0)), null);
  });
});

describe(`PN532 frame decoder properties (fast-check, seed ${PROPERTY_SEED})`, () => {
  type DataFrame = Extract<Pn532Frame, { kind: 'data' }>;
  /** A data frame as the PN532 or the host sends it: TFI, code, parameters. */
  const dataFrame = fc
    .tuple(fc.constantFrom(TFI_HOST, TFI_PN532), fc.nat({ max: 255 }), bytesArbitrary(120))
    .map(([tfi, code, params]) => ({
      bytes: encodeFrame(tfi, Uint8Array.from([code, ...params])),
      frame: { kind: 'data', tfi, code, params: Buffer.from(params) } satisfies DataFrame,
    }));
  const anyFrame = fc.oneof(
    { arbitrary: dataFrame, weight: 4 },
    fc.constant({ bytes: ACK_FRAME, frame: { kind: 'ack' } satisfies Pn532Frame }),
    fc.constant({ bytes: NACK_FRAME, frame: { kind: 'nack' } satisfies Pn532Frame }),
  );
  /** Noise rich in what frames are made of: 00, FF, start codes, lengths. */
  const noise = fc
    .array(fc.oneof(fc.constantFrom(0x00, 0xff, 0xd4, 0xd5), fc.nat({ max: 255 })), { maxLength: 60, size: 'max' })
    .map((bytes) => Uint8Array.from(bytes));

  function decodeChunks(chunks: readonly Uint8Array[]): { frames: Pn532Frame[]; rejections: Pn532Rejection[] } {
    const rejections: Pn532Rejection[] = [];
    const decoder = new Pn532FrameDecoder((r) => rejections.push(r));
    return { frames: chunks.flatMap((chunk) => decoder.push(chunk)), rejections };
  }

  test('encoded frames decode to their TFI, code and parameters', () => {
    checkProperty(
      fc.property(dataFrame, ({ bytes, frame }) => {
        assert.deepEqual(decodeChunks([bytes]).frames, [frame]);
      }),
      300,
    );
  });

  test('any bytes in any chunks: nothing thrown, the same frames as in one chunk, every rejection with a reason', () => {
    checkProperty(
      fc.property(fc.oneof(noise, bytesArbitrary(200)), cutsArbitrary, (bytes, cuts) => {
        const whole = decodeChunks([bytes]);
        const chunked = decodeChunks(splitAt(bytes, cuts));
        assert.deepEqual(chunked.frames, whole.frames);
        for (const rejection of [...whole.rejections, ...chunked.rejections]) {
          assert.ok(['length_checksum', 'data_checksum', 'too_short', 'overflow'].includes(rejection.reason));
          assert.ok(rejection.detail.length > 0, 'a rejection says why');
        }
      }),
      400,
    );
  });

  test('a stream of frames longer than the decoder’s buffer gives back every frame, in one chunk as in many', () => {
    checkProperty(
      fc.property(fc.array(anyFrame, { minLength: 1, maxLength: 24, size: 'max' }), cutsArbitrary, (sent, cuts) => {
        const stream = Buffer.concat(sent.map((f) => f.bytes));
        const expected = sent.map((f) => f.frame);
        assert.deepEqual(decodeChunks([stream]).frames, expected, `one chunk of ${stream.length} bytes`);
        assert.deepEqual(decodeChunks(splitAt(stream, cuts)).frames, expected);
      }),
      150,
    );
  });

  test('a start code announcing an extended frame too long to hold does not hide the frames behind it', () => {
    const header = fc.integer({ min: 0, max: 0xffff }).map((length) => {
      const [m, l] = [length >> 8, length & 0xff];
      return Buffer.from([0x00, 0x00, 0xff, 0xff, 0xff, m, l, (0x200 - m - l) & 0xff]);
    });
    checkProperty(
      fc.property(header, fc.array(anyFrame, { minLength: 1, maxLength: 24, size: 'max' }), cutsArbitrary, (bogus, sent, cuts) => {
        const stream = Buffer.concat([bogus, ...sent.map((f) => f.bytes)]);
        const whole = decodeChunks([stream]).frames;
        assert.deepEqual(decodeChunks(splitAt(stream, cuts)).frames, whole, 'the same frames in any chunking');
        if ((bogus[5]! << 8) + bogus[6]! + 9 > 1024)
          assert.deepEqual(
            whole,
            sent.map((f) => f.frame),
          );
      }),
      150,
    );
  });

  test('a frame after any noise is still found once more traffic follows', () => {
    // Noise may open a frame whose length swallows the real one; the next frames on the
    // line complete it, its checksum fails, and decoding resumes inside it.
    const traffic = Buffer.concat(Array.from({ length: 45 }, () => ACK_FRAME));
    checkProperty(
      fc.property(noise, dataFrame, cutsArbitrary, (prefix, { bytes, frame }, cuts) => {
        const { frames } = decodeChunks(splitAt(Buffer.concat([prefix, bytes, traffic]), cuts));
        assert.ok(
          frames.some((f) => f.kind === 'data' && f.tfi === frame.tfi && f.code === frame.code && f.params.equals(frame.params)),
          'the frame was found',
        );
      }),
      300,
    );
  });
});
