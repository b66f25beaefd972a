import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { checksum8, crc16, encodePacket, OsdpFrameDecoder, parsePacket, type DecodedFrame, type FrameRejection } from './osdp-packet.js';
import { describeNak, nakReason } from './osdp-protocol.js';
import { bytesArbitrary, checkProperty, cutsArbitrary, fc, PROPERTY_SEED, splitAt } from '../../test-support/property.js';
import type { CheckType, PacketFields, Sequence } from './osdp-packet.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function collect(options: { interByteTimeoutMs?: number } = {}) {
  const frames: DecodedFrame[] = [];
  const rejections: FrameRejection[] = [];
  const decoder = new OsdpFrameDecoder({ onFrame: (f) => frames.push(f), onReject: (r) => rejections.push(r), ...options });
  return { decoder, frames, rejections };
}

describe('OSDP check characters (documented OSDP test vectors)', () => {
  test('CRC-16/AUG-CCITT of the two published messages, sent little-endian', () => {
    const a = crc16(hex('53 7F 0D 00 04 6E 00 80 25 00 00'));
    const b = crc16(hex('53 00 09 00 04 61 00'));
    assert.deepEqual([a & 0xff, a >> 8], [0x6e, 0x38]);
    assert.deepEqual([b & 0xff, b >> 8], [0xc0, 0x66]);
  });

  test('the one-byte checksum of the three published messages', () => {
    assert.equal(checksum8(hex('53 7F 0C 00 00 6E 00 80 25 00 00')), 0x0f);
    assert.equal(checksum8(hex('53 00 08 00 00 61 00')), 0x44);
    assert.equal(checksum8(hex('53 E5 07 00 01 40')), 0x80);
  });
});

describe('OSDP packet encoding (documented OSDP test vectors)', () => {
  test('POLL and ID to address 0x65 with the mark byte, byte for byte', () => {
    assert.deepEqual(encodePacket({ address: 0x65, reply: false, sequence: 0, code: 0x60 }), hex('FF 53 65 08 00 04 60 60 90'));
    assert.deepEqual(
      encodePacket({ address: 0x65, reply: false, sequence: 0, code: 0x61, data: [0x00] }),
      hex('FF 53 65 09 00 04 61 00 D9 7A'),
    );
  });

  test('POLL to address 0 with sequence 1 and its ACK, without the mark byte', () => {
    assert.deepEqual(encodePacket({ address: 0, reply: false, sequence: 1, code: 0x60 }, { mark: false }), hex('53 00 08 00 05 60 DA 99'));
    assert.deepEqual(encodePacket({ address: 0, reply: true, sequence: 1, code: 0x40 }, { mark: false }), hex('53 80 08 00 05 40 68 9F'));
  });

  test('COMSET broadcast with CRC and with a checksum, as published', () => {
    const payload = hex('00 80 25 00 00');
    assert.deepEqual(
      encodePacket({ address: 0x7f, reply: false, sequence: 0, code: 0x6e, data: payload }, { mark: false }),
      hex('53 7F 0D 00 04 6E 00 80 25 00 00 6E 38'),
    );
    assert.deepEqual(
      encodePacket({ address: 0x7f, reply: false, sequence: 0, check: 'checksum', code: 0x6e, data: payload }, { mark: false }),
      hex('53 7F 0C 00 00 6E 00 80 25 00 00 0F'),
    );
    assert.deepEqual(
      encodePacket({ address: 0x65, reply: true, sequence: 1, check: 'checksum', code: 0x40 }, { mark: false }),
      hex('53 E5 07 00 01 40 80'),
    );
  });

  test('the RAW reply of H10301 FC=123 CN=4567 decodes to its fields', () => {
    const bytes = hex('53 80 10 00 06 50 00 01 1A 00 BD 88 EB 80 02 D4');
    const parsed = parsePacket(bytes);
    assert.ok(parsed.ok);
    assert.equal(parsed.packet.reply, true);
    assert.equal(parsed.packet.address, 0);
    assert.equal(parsed.packet.sequence, 2);
    assert.equal(parsed.packet.check, 'crc');
    assert.equal(parsed.packet.code, 0x50);
    assert.deepEqual(parsed.packet.data, hex('00 01 1A 00 BD 88 EB 80'));
    assert.deepEqual(encodePacket({ address: 0, reply: true, sequence: 2, code: 0x50, data: parsed.packet.data }, { mark: false }), bytes);
  });

  test('a security block with a MAC puts the MAC after the data and counts it in LEN', () => {
    const bytes = encodePacket(
      { address: 3, reply: false, sequence: 2, scb: [2, 0x15], code: 0x60 },
      {
        mac: (input) => {
          assert.deepEqual(input, hex('53 03 0E 00 0E 02 15 60'));
          return hex('A1 A2 A3 A4 FF FF');
        },
      },
    );
    const parsed = parsePacket(bytes.subarray(1));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.packet.scb, hex('02 15'));
    assert.deepEqual(parsed.packet.mac, hex('A1 A2 A3 A4'));
    assert.deepEqual(parsed.packet.data, Buffer.alloc(0));
    assert.equal(bytes.length, 1 + 14);
  });

  test('refuses to encode what cannot be sent', () => {
    assert.throws(() => encodePacket({ address: 0x80, reply: false, sequence: 0, code: 0x60 }), /address/);
    assert.throws(() => encodePacket({ address: 1, reply: false, sequence: 0, scb: [2, 0x17], code: 0x60 }), /needs a MAC/);
    assert.throws(() => encodePacket({ address: 1, reply: false, sequence: 0, scb: [3, 0x11], code: 0x60 }), /length byte/);
  });
});

describe('OSDP frame decoder', () => {
  const poll = hex('FF 53 65 08 00 04 60 60 90');
  const id = hex('FF 53 65 09 00 04 61 00 D9 7A');

  test('decodes frames split byte by byte and several frames in one chunk', () => {
    const { decoder, frames } = collect();
    for (const b of poll) decoder.push(Buffer.from([b]));
    decoder.push(Buffer.concat([id, poll]));
    assert.deepEqual(
      frames.map((f) => f.packet.code),
      [0x60, 0x61, 0x60],
    );
    assert.deepEqual(frames[1]!.bytes, id.subarray(1));
  });

  test('skips noise before a frame, and the mark byte is not counted as noise', () => {
    const { decoder, frames } = collect();
    decoder.push(Buffer.concat([hex('00 13 37 FF FF'), poll]));
    assert.equal(frames.length, 1);
    assert.equal(decoder.stats.noiseBytes, 3);
  });

  test('a bad CRC is rejected and the frame after it still decodes', () => {
    const { decoder, frames, rejections } = collect();
    const corrupt = Buffer.from(poll);
    corrupt[corrupt.length - 1]! ^= 0x01;
    decoder.push(Buffer.concat([corrupt, id]));
    assert.deepEqual(
      frames.map((f) => f.packet.code),
      [0x61],
    );
    assert.equal(rejections[0]!.reason, 'bad_check');
  });

  test('a SOM inside noise with an absurd length does not swallow the next frame', () => {
    const { decoder, frames, rejections } = collect();
    decoder.push(Buffer.concat([hex('53 00 FF 7F 04'), id]));
    assert.deepEqual(
      frames.map((f) => f.packet.code),
      [0x61],
    );
    assert.equal(rejections[0]!.reason, 'bad_length');
  });

  test('a frame cut short is abandoned after a pause and the next frame decodes', () => {
    const { decoder, frames, rejections } = collect({ interByteTimeoutMs: 20 });
    const t0 = 1_000_000_000n;
    decoder.push(hex('FF 53 65 10 00 04 61'), t0);
    decoder.push(id, t0 + 50_000_000n);
    assert.deepEqual(
      frames.map((f) => f.packet.code),
      [0x61],
    );
    assert.ok(rejections.some((r) => r.reason === 'truncated'));
  });

  test('resync() finds a complete frame hidden behind a partial one', () => {
    const { decoder, frames } = collect({ interByteTimeoutMs: 0 });
    // A reply that claims 32 bytes, then a real 9-byte frame arrives inside its length.
    decoder.push(Buffer.concat([hex('53 80 20 00 04 40'), id]));
    assert.equal(frames.length, 0);
    assert.equal(decoder.missingBytes(), 32 - 6 - 10);
    decoder.resync();
    assert.deepEqual(
      frames.map((f) => f.packet.code),
      [0x61],
    );
  });

  test('a well-checked frame whose security block does not fit is rejected as malformed', () => {
    const { decoder, frames, rejections } = collect();
    decoder.push(encodePacket({ address: 1, reply: true, sequence: 1, code: 0x40 }, { mark: false }));
    const bad = Buffer.from(hex('53 81 09 00 0D 09 40'));
    const crc = crc16(bad);
    decoder.push(Buffer.concat([bad, Buffer.from([crc & 0xff, crc >> 8])]));
    assert.equal(frames.length, 1);
    assert.equal(rejections[0]!.reason, 'malformed');
  });
});

describe('NAK codes', () => {
  test('every code of the specification has a name and a description', () => {
    const names = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(nakReason);
    assert.deepEqual(names, [
      'none',
      'check_character',
      'command_length',
      'unknown_command',
      'sequence',
      'security_block_unsupported',
      'security_conditions',
      'bio_type',
      'bio_format',
      'record',
    ]);
    assert.equal(nakReason(0x42), 'unknown');
    assert.match(describeNak(4), /NAK 4 .*sequence/);
  });
});

describe(`OSDP codec properties (fast-check, seed ${PROPERTY_SEED})`, () => {
  interface Encoded {
    fields: Required<PacketFields>;
    mac: Buffer | null;
    bytes: Buffer;
    /** SOM … last check character (what the decoder emits). */
    frame: Buffer;
  }
  const securityBlock = fc.oneof(
    fc.constant(null),
    fc.tuple(fc.integer({ min: 0x11, max: 0x14 }), fc.nat({ max: 255 })).map(([type, data]) => [3, type, data]),
    fc.integer({ min: 0x15, max: 0x18 }).map((type) => [2, type]),
  );
  const packet: fc.Arbitrary<Encoded> = fc
    .record({
      address: fc.nat({ max: 0x7f }),
      reply: fc.boolean(),
      sequence: fc.constantFrom<Sequence>(0, 1, 2, 3),
      check: fc.constantFrom<CheckType>('crc', 'checksum'),
      scb: securityBlock,
      code: fc.nat({ max: 255 }),
      data: bytesArbitrary(60),
      mark: fc.boolean(),
      mac: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    })
    .map(({ mark, mac, ...fields }) => {
      const bytes = encodePacket(fields, { mark, mac: () => mac });
      const hasMac = fields.scb !== null && fields.scb[1]! >= 0x15;
      return { fields, mac: hasMac ? Buffer.from(mac) : null, bytes, frame: bytes.subarray(mark ? 1 : 0) };
    });

  function decodeChunks(chunks: readonly Uint8Array[], resyncAtEnd = false) {
    const { decoder, frames, rejections } = collect({ interByteTimeoutMs: 0 });
    for (const chunk of chunks) decoder.push(chunk, 1n);
    if (resyncAtEnd) decoder.resync();
    return { frames: frames.map((f) => f.bytes.toString('hex')), rejections };
  }

  test('every packet the encoder builds parses back to the same fields', () => {
    checkProperty(
      fc.property(packet, ({ fields, mac, frame }) => {
        const parsed = parsePacket(Buffer.from(frame));
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.rejection.detail);
        const p = parsed.packet;
        assert.deepEqual(
          [p.address, p.reply, p.sequence, p.check, p.scb, p.code, p.data, p.mac],
          [
            fields.address,
            fields.reply,
            fields.sequence,
            fields.check,
            fields.scb ? Buffer.from(fields.scb) : null,
            fields.code,
            Buffer.from(fields.data),
            mac,
          ],
        );
      }),
      500,
    );
  });

  test('any bytes in any chunks: nothing thrown, the same frames and rejections as in one chunk, every rejection with a reason', () => {
    const som = fc
      .array(fc.oneof(fc.constantFrom(0x53, 0xff, 0x00, 0x04, 0x08), fc.nat({ max: 255 })), { maxLength: 120, size: 'max' })
      .map((b) => Uint8Array.from(b));
    checkProperty(
      fc.property(fc.oneof(som, bytesArbitrary(200)), cutsArbitrary, fc.boolean(), (bytes, cuts, resync) => {
        const whole = decodeChunks([bytes], resync);
        const chunked = decodeChunks(splitAt(bytes, cuts), resync);
        assert.deepEqual(chunked.frames, whole.frames);
        assert.deepEqual(chunked.rejections, whole.rejections);
        for (const rejection of whole.rejections) {
          assert.ok(['bad_length', 'bad_check', 'malformed', 'truncated'].includes(rejection.reason));
          assert.ok(rejection.detail.length > 0, 'a rejection says why');
        }
        for (const frame of whole.frames) assert.ok(parsePacket(Buffer.from(frame, 'hex')).ok, 'what is emitted parses');
      }),
      400,
    );
  });

  test('a stream of packets in any chunks gives back exactly those packets', () => {
    checkProperty(
      fc.property(fc.array(packet, { maxLength: 10, size: 'max' }), cutsArbitrary, (sent, cuts) => {
        const { frames, rejections } = decodeChunks(splitAt(Buffer.concat(sent.map((p) => p.bytes)), cuts));
        assert.deepEqual(
          frames,
          sent.map((p) => p.frame.toString('hex')),
        );
        assert.deepEqual(rejections, []);
      }),
      200,
    );
  });

  test('a packet after any noise is still found once the reply time is up (resync)', () => {
    const crcPacket = packet.filter(({ fields }) => fields.check === 'crc');
    checkProperty(
      fc.property(bytesArbitrary(60), crcPacket, cutsArbitrary, (noise, { frame, bytes }, cuts) => {
        const { frames } = decodeChunks(splitAt(Buffer.concat([noise, bytes]), cuts), true);
        assert.equal(frames.at(-1), frame.toString('hex'));
      }),
      400,
    );
  });
});
