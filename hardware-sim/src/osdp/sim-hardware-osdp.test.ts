import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { SerialPortStream } from '@serialport/stream';
import { BUILT_IN_WIEGAND_FORMATS } from '@acs/shared/credentials/wiegand';
import { createSimHardware, type SimReaderSpec } from '../sim-hardware.js';
import { SimCardError } from '../readers/sim-card.js';
import { SimFrameReader, simCrc16 } from './sim-osdp-wire.js';

const corporate = BUILT_IN_WIEGAND_FORMATS['corp1000-35']!;
const h10301 = BUILT_IN_WIEGAND_FORMATS.h10301!;

function osdp(id: string, door: string, address: number, format = h10301, baudRate = 9600): SimReaderSpec {
  return { id, door, direction: 'in', type: 'osdp', path: 'sim/rs485', baudRate, address, format };
}

/** osdp_POLL to `address`, sequence 0, CRC. */
function poll(address: number): Buffer {
  const body = Buffer.from([0x53, address, 8, 0, 0x04, 0x60]);
  const crc = simCrc16(body);
  return Buffer.concat([Buffer.from([0xff]), body, Buffer.from([crc & 0xff, crc >> 8])]);
}

describe('OSDP readers in the simulated hardware', () => {
  test('readers with one path share one line; a card presented at one goes out as RAW Wiegand data in its format', async () => {
    const sim = createSimHardware({ readers: [osdp('a-in', 'a', 1, corporate), osdp('b-in', 'b', 2)], doors: [] });
    onTestFinished(() => sim.close());
    assert.deepEqual(sim.serialBinding.paths(), ['sim/rs485']);
    const a = sim.readerAt('a', 'in')!;
    assert.equal(sim.readerConnected(a), false, 'nobody has the line open yet');
    await assert.rejects(sim.present('a', '3887558'), SimCardError, 'an EM number is not a Corporate 1000 card');

    const port = new SerialPortStream({ binding: sim.serialBinding, path: 'sim/rs485', baudRate: 9600 });
    onTestFinished(() => new Promise<void>((resolve) => port.close(() => resolve())));
    await new Promise((resolve) => port.once('open', resolve));
    const frames = new SimFrameReader();
    const replies: ReturnType<SimFrameReader['push']> = [];
    port.on('data', (chunk: Buffer) => replies.push(...frames.push(chunk)));
    assert.equal(sim.readerConnected(a), true);

    assert.deepEqual(await sim.present('a', '4000:123456'), { display: '4000:123456', delivered: true });
    port.write(poll(1));
    const deadline = Date.now() + 2000;
    while (replies.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const [reply] = replies;
    assert.ok(reply, 'a reply to the POLL');
    assert.deepEqual([reply.addressByte, reply.code, reply.data[1], reply.data.readUInt16LE(2)], [0x81, 0x50, 1, 35]);
    assert.equal(sim.osdpReader('b-in').address, 2);
    assert.throws(() => sim.osdpReader('nowhere'), /no simulated OSDP reader/);
  });

  test('two readers on one line must agree on its speed', () => {
    assert.throws(
      () => createSimHardware({ readers: [osdp('a-in', 'a', 1), osdp('b-in', 'b', 2, h10301, 115200)], doors: [] }),
      /runs at 9600 baud, not 115200/,
    );
  });
});
