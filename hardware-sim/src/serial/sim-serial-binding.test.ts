import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { SerialPortStream } from '@serialport/stream';
import { SimSerialBinding } from './sim-serial-binding.js';

function open(binding: SimSerialBinding, path: string): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding, path, baudRate: 9600, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
}

const close = (port: SerialPortStream) => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));

describe('simulated serial binding', () => {
  test('delivers device bytes to the host that opened the port by path', async () => {
    const binding = new SimSerialBinding();
    const device = binding.createPort('sim/a');
    const port = await open(binding, 'sim/a');
    onTestFinished(() => close(port));
    assert.equal(device.hostConnected, true);
    const received = new Promise<Buffer>((resolve) => port.once('data', resolve));
    assert.equal(device.write(Buffer.from('hello')), true);
    assert.equal((await received).toString(), 'hello');
  });

  test('records what the host writes to the device', async () => {
    const binding = new SimSerialBinding();
    binding.createPort('sim/w');
    const port = await open(binding, 'sim/w');
    onTestFinished(() => close(port));
    await new Promise<void>((resolve, reject) => port.write(Buffer.from([1, 2, 3]), (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve) => port.drain(() => resolve()));
    assert.deepEqual(binding.hostWrites('sim/w'), Buffer.from([1, 2, 3]));
  });

  test('loses bytes sent while no host has the port open, like a real UART', () => {
    const binding = new SimSerialBinding();
    const device = binding.createPort('sim/b');
    assert.equal(device.write(Buffer.from('lost')), false);
    assert.equal(device.hostConnected, false);
  });

  test('refuses to open a port that does not exist, or one already open', async () => {
    const binding = new SimSerialBinding();
    await assert.rejects(open(binding, 'sim/none'), /No such file or directory/);
    binding.createPort('sim/c');
    const port = await open(binding, 'sim/c');
    onTestFinished(() => close(port));
    await assert.rejects(open(binding, 'sim/c'), /Cannot lock port/);
  });

  test('an unplugged port disconnects the host and cannot be reopened until replugged', async () => {
    const binding = new SimSerialBinding();
    binding.createPort('sim/d');
    const port = await open(binding, 'sim/d');
    port.resume(); // a host notices a lost device through its pending read
    const closed = new Promise<Error | null>((resolve) => port.once('close', (err: Error | null) => resolve(err)));
    binding.unplug('sim/d');
    const err = await closed;
    assert.match(String(err?.message), /unplugged/);
    assert.equal(binding.isOpen('sim/d'), false);
    await assert.rejects(open(binding, 'sim/d'), /No such file/);
    binding.replug('sim/d');
    const again = await open(binding, 'sim/d');
    assert.equal(again.isOpen, true);
    await close(again);
  });

  test('keeps the ports of two bindings apart', async () => {
    const one = new SimSerialBinding();
    const two = new SimSerialBinding();
    one.createPort('sim/same');
    two.createPort('sim/same');
    const a = await open(one, 'sim/same');
    const b = await open(two, 'sim/same');
    onTestFinished(async () => {
      await close(a);
      await close(b);
    });
    const got: string[] = [];
    a.on('data', (d: Buffer) => got.push(`a:${d.toString()}`));
    b.on('data', (d: Buffer) => got.push(`b:${d.toString()}`));
    one.device('sim/same').write(Buffer.from('1'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, ['a:1']);
  });
});
