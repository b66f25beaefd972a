import { test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { findSocat, PtyPair } from './pty-pair.js';

const socat = findSocat();
const skip = socat ? false : 'socat is not installed: pseudo-terminal tests skipped (apt-get install socat)';
if (skip) console.log(`# ${skip}`);

async function openHost(path: string): Promise<SerialPortStream> {
  const port = new SerialPortStream({ binding: SerialPort.binding, path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describeUnless(skip)('pseudo-terminal pair (socat)', () => {
  async function setup() {
    const dir = await mkdtemp(join(tmpdir(), 'acs-pty-'));
    const pair = await PtyPair.create({ dir, name: 'reader' });
    onTestFinished(async () => {
      await pair.close();
      await rm(dir, { recursive: true, force: true });
    });
    return { dir, pair };
  }

  test('carries bytes both ways between the simulated device and a host on the system binding', async () => {
    const { pair } = await setup();
    const host = await openHost(pair.hostPath);
    onTestFinished(() => new Promise<void>((resolve) => (host.isOpen ? host.close(() => resolve()) : resolve())));
    let fromDevice = Buffer.alloc(0);
    host.on('data', (d: Buffer) => (fromDevice = Buffer.concat([fromDevice, d])));
    let fromHost = Buffer.alloc(0);
    pair.device.onReceive((d) => (fromHost = Buffer.concat([fromHost, d])));

    const frame = Buffer.from('\x0267003B51C6CB\x03', 'latin1');
    assert.equal(pair.device.write(frame), true);
    await until(() => fromDevice.length >= frame.length, 'the device bytes at the host');
    assert.deepEqual(fromDevice, frame, 'raw mode: every byte as sent, no echo, no line discipline');
    host.write(Buffer.from([0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0x0a, 0x0d]));
    await until(() => fromHost.length >= 8, 'the host bytes at the device');
    assert.deepEqual(fromHost, Buffer.from([0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0x0a, 0x0d]));
  }, 30_000);

  test('unplug closes the host port and removes the device file; replug brings it back at the same path', async () => {
    const { pair } = await setup();
    const host = await openHost(pair.hostPath);
    host.on('data', () => undefined); // a reading host, as the agent is: the read fails when the line goes
    const closed = new Promise<unknown>((resolve) => host.once('close', resolve));
    await pair.unplug();
    await closed;
    assert.equal(existsSync(pair.hostPath), false);
    assert.equal(pair.device.write(Buffer.from('x')), false, 'nothing is sent while unplugged');
    await assert.rejects(openHost(pair.hostPath), /No such file or directory|ENOENT/);

    await pair.replug();
    const again = await openHost(pair.hostPath);
    onTestFinished(() => new Promise<void>((resolve) => (again.isOpen ? again.close(() => resolve()) : resolve())));
    let received = '';
    again.on('data', (d: Buffer) => (received += d.toString('latin1')));
    pair.device.write(Buffer.from('0003887558\r\n'));
    await until(() => received === '0003887558\r\n', 'bytes after the replug');
  }, 30_000);
});
