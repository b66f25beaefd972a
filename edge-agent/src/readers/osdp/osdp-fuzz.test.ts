/**
 * Fuzzing with a seeded PRNG (ACS_FUZZ_SEED overrides the seed, so a failure reproduces):
 * random and mutated frames fed to the decoder, and to the control panel as replies of a
 * misbehaving device. Nothing may throw out of them, crash or hang, and the control panel
 * must still work with a well-behaved reader afterwards.
 */
import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { SimFrameReader, SimOsdpLine, SimOsdpPd, SimSerialBinding } from '@acs/hardware-sim';
import { captureLogger } from '../../test-support/fixtures.js';
import { eventually } from '../../test-support/osdp-rig.js';
import { MemoryReaderSettingsStore } from '../reader-settings-store.js';
import { OsdpBus } from './osdp-bus.js';
import { encodePacket, OsdpFrameDecoder, parsePacket, type Sequence } from './osdp-packet.js';
import { OsdpReader, osdpRecordKey } from './osdp-reader.js';
import { osdpTiming } from './osdp-timing.js';

const SEED = Number(process.env.ACS_FUZZ_SEED ?? 0x05d9) >>> 0;

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzz {
  constructor(readonly random: () => number) {}
  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.int(256)));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** A valid frame (random address, code, data, maybe a security block) with correct check characters. */
  validFrame(reply = this.random() < 0.5): Buffer {
    const withScb = this.random() < 0.3;
    const scbType = this.pick([0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x00, 0x42]);
    const scb = withScb
      ? [scbType >= 0x15 && scbType <= 0x18 ? 2 : 3, scbType, this.int(256)].slice(0, scbType >= 0x15 && scbType <= 0x18 ? 2 : 3)
      : null;
    return encodePacket(
      {
        address: this.int(0x80),
        reply,
        sequence: this.int(4) as Sequence,
        check: this.random() < 0.8 ? 'crc' : 'checksum',
        scb,
        code: this.pick([0x40, 0x41, 0x45, 0x46, 0x50, 0x53, 0x54, 0x76, 0x78, 0x79, this.int(256)]),
        data: this.bytes(this.pick([0, 1, 2, 4, 8, 12, 16, 32, this.int(80)])),
      },
      { mark: this.random() < 0.7, mac: () => this.bytes(4) },
    );
  }
  mutate(frame: Buffer): Buffer {
    const out = Buffer.from(frame);
    switch (this.int(6)) {
      case 0: // flip bits
        for (let i = 0, n = 1 + this.int(3); i < n && out.length > 0; i++) out[this.int(out.length)]! ^= 1 << this.int(8);
        return out;
      case 1: // truncate
        return out.subarray(0, this.int(out.length));
      case 2: // insert noise
        return Buffer.concat([
          out.subarray(0, this.int(out.length + 1)),
          this.bytes(1 + this.int(8)),
          out.subarray(this.int(out.length + 1)),
        ]);
      case 3: // absurd LEN
        if (out.length > 4) out.writeUInt16LE(this.int(0x10000), out[0] === 0xff ? 3 : 2);
        return out;
      case 4: // a SOM in front
        return Buffer.concat([Buffer.from([0x53, this.int(256)]), out]);
      default:
        return out;
    }
  }
}

describe(`OSDP fuzzing (seed ${SEED})`, () => {
  test('the frame decoder takes 3000 random and mutated streams in random chunks without throwing; what it emits has valid check characters', () => {
    const fuzz = new Fuzz(prng(SEED));
    let emitted = 0;
    const decoder = new OsdpFrameDecoder({
      onFrame: (frame) => {
        emitted += 1;
        const again = parsePacket(frame.bytes);
        assert.ok(again.ok, 'an emitted frame parses again');
      },
      interByteTimeoutMs: 5,
    });
    let clock = 1_000_000_000n;
    for (let i = 0; i < 3000; i++) {
      const parts: Buffer[] = [];
      for (let k = 0, n = 1 + fuzz.int(4); k < n; k++) {
        const kind = fuzz.int(3);
        parts.push(kind === 0 ? fuzz.bytes(fuzz.int(40)) : kind === 1 ? fuzz.validFrame() : fuzz.mutate(fuzz.validFrame()));
      }
      const stream = Buffer.concat(parts);
      for (let offset = 0; offset < stream.length;) {
        const size = 1 + fuzz.int(16);
        clock += BigInt(fuzz.int(3)) * 3_000_000n;
        decoder.push(stream.subarray(offset, offset + size), clock);
        offset += size;
      }
      if (fuzz.int(10) === 0) decoder.resync();
    }
    assert.ok(emitted > 1000, `valid frames got through (${emitted})`);
    assert.ok(decoder.stats.rejected > 100, 'mutated frames were rejected');
  });

  test('the control panel survives 800 garbage replies from a misbehaving device, then works with a real reader', async () => {
    const fuzz = new Fuzz(prng(SEED ^ 0x9e3779b9));
    const log = captureLogger('info');
    const binding = new SimSerialBinding();
    const path = 'sim/fuzz-line';
    const device = binding.createPort(path);
    const commands = new SimFrameReader();
    let answered = 0;
    let fuzzing = true;
    const unsubscribe = device.onReceive((chunk) => {
      if (!fuzzing) return;
      for (const command of commands.push(chunk)) {
        answered += 1;
        const addressed = encodePacket(
          {
            address: command.addressByte & 0x7f,
            reply: true,
            sequence: (fuzz.random() < 0.6 ? command.sequence : fuzz.int(4)) as Sequence,
            scb:
              fuzz.random() < 0.3
                ? fuzz.pick([
                    [2, 0x16],
                    [2, 0x18],
                    [3, 0x12, 0],
                    [3, 0x14, 1],
                    [3, 0x12, 1],
                  ])
                : null,
            code: fuzz.pick([0x40, 0x41, 0x45, 0x46, 0x50, 0x53, 0x54, 0x76, 0x78, 0x79, fuzz.int(256)]),
            data: fuzz.bytes(fuzz.pick([0, 1, 2, 3, 4, 5, 8, 12, 16, 17, 32, fuzz.int(64)])),
          },
          { mac: () => fuzz.bytes(4) },
        );
        const kind = fuzz.int(10);
        const reply = kind === 0 ? fuzz.bytes(fuzz.int(30)) : kind <= 2 ? fuzz.mutate(addressed) : kind === 3 ? Buffer.alloc(0) : addressed;
        if (reply.length > 0) setImmediate(() => device.write(reply));
      }
    });
    const timing = osdpTiming({
      replyTimeoutMs: 4,
      pollIntervalMs: 1,
      retryDelayMs: 1,
      maxRetries: 3,
      offlineAfterMs: 100,
      offlineProbeMs: 5,
      busyRetryMs: 1,
      handshakeRetryMs: 20,
      keyInstallTimeoutMs: 200,
    });
    const bus = new OsdpBus({ path, baudRate: 115200, binding, timing, log: log.logger.child('osdp') });
    const store = new MemoryReaderSettingsStore();
    await store.write(
      osdpRecordKey('secure'),
      JSON.stringify({ scbk: Buffer.alloc(16, 9).toString('hex'), keyId: 'k', keyInstalledAt: 1 }),
    );
    const readers = [
      new OsdpReader({ id: 'plain', address: 1, secureChannel: false, bus, timing, log: log.logger }),
      new OsdpReader({ id: 'secure', address: 2, secureChannel: true, bus, timing, log: log.logger }),
    ];
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    onTestFinished(async () => {
      process.off('uncaughtException', onUncaught);
      await Promise.all(readers.map((r) => r.stop()));
      unsubscribe();
    });
    for (const reader of readers) {
      reader.useSettingsStore(store);
      reader.on('fault', () => undefined);
      await reader.start();
    }
    // Commands and feedback thrown in while the device talks nonsense.
    const pending: Promise<unknown>[] = [];
    await eventually(
      () => {
        if (fuzz.int(20) === 0) for (const reader of readers) reader.signal(fuzz.random() < 0.5 ? 'grant' : 'deny');
        if (fuzz.int(50) === 0) pending.push(readers[1]!.installKey(fuzz.bytes(16), 'fuzz').catch(() => undefined));
        if (fuzz.int(80) === 0) readers[1]!.openProvisioningWindow(50);
        return answered >= 800;
      },
      '800 garbage replies',
      60_000,
    );
    assert.deepEqual(uncaught, []);
    const loopErrors = log.find('OSDP line').filter((l) => l.includes('ERROR') && l.includes('Error'));
    assert.deepEqual(loopErrors, [], 'the poll loop never failed');

    // A well-behaved reader on the same line: the control panel picks it up again.
    fuzzing = false;
    const line = new SimOsdpLine({ baudRate: 115200 });
    const pd = line.add(new SimOsdpPd({ address: 1 }));
    line.connect(device);
    onTestFinished(() => line.close());
    const plain = readers[0]!;
    const cards: string[] = [];
    plain.on('card', (read) => cards.push(read.credential));
    await eventually(() => plain.session.isOnline && plain.session.status().capabilities, 'the real reader online', 10_000);
    pd.presentH10301(12, 3456);
    await eventually(() => cards.includes('h10301:12:3456'), 'a card from the real reader', 5000);
    await Promise.all(pending);
  });
});
