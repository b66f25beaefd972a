import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { SimSerialBinding } from '../serial/sim-serial-binding.js';
import { SerialPortStream } from '@serialport/stream';
import { encodeRdm6300Frame, SimRdm6300 } from './sim-rdm6300.js';

describe('RDM6300 frame encoder', () => {
  test('encodes tag 3887558 with version 0x67 as the verified RDM6300 test vector', () => {
    assert.deepEqual(
      encodeRdm6300Frame(3887558, 0x67),
      Buffer.from([0x02, 0x36, 0x37, 0x30, 0x30, 0x33, 0x42, 0x35, 0x31, 0x43, 0x36, 0x43, 0x42, 0x03]),
    );
  });

  test('encodes the second vector with checksum 0x92', () => {
    assert.equal(encodeRdm6300Frame(0x3456789a, 0x12).toString('latin1'), '\x02123456789A92\x03');
  });

  test('uses version byte 0 by default and handles the largest tag', () => {
    assert.equal(encodeRdm6300Frame(0xffffffff).toString('latin1'), '\x0200FFFFFFFF00\x03');
  });

  test('refuses tags that do not fit 32 bits', () => {
    assert.throws(() => encodeRdm6300Frame(2 ** 32), RangeError);
    assert.throws(() => encodeRdm6300Frame(-1), RangeError);
    assert.throws(() => encodeRdm6300Frame(1, 256), RangeError);
  });
});

describe('simulated RDM6300 device', () => {
  test('transmits noise, then the frame split into chunks, then repeats it while the card is held', async () => {
    const binding = new SimSerialBinding();
    const device = new SimRdm6300(binding.createPort('sim/r'));
    const port = new SerialPortStream({ binding, path: 'sim/r', baudRate: 9600 });
    onTestFinished(() => new Promise<void>((resolve) => port.close(() => resolve())));
    await new Promise((resolve) => port.once('open', resolve));
    const chunks: Buffer[] = [];
    port.on('data', (d: Buffer) => chunks.push(d));
    const frame = encodeRdm6300Frame(42);
    assert.equal(await device.present(42, { noise: Buffer.from([0xaa]), chunks: 3, chunkGapMs: 5, repeat: 2, repeatIntervalMs: 10 }), true);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(Buffer.concat(chunks), Buffer.concat([Buffer.from([0xaa]), frame, frame]));
    assert.ok(chunks.length >= 6, `arrived in ${chunks.length} reads`);
  });

  test('reports that nobody listened when the host has not opened the port', async () => {
    const device = new SimRdm6300(new SimSerialBinding().createPort('sim/nobody'));
    assert.equal(await device.present(42), false);
  });
});
