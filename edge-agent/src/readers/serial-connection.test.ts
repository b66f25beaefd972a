import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { OpenOptions } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { SimSerialBinding } from '@acs/hardware-sim';
import { silentLogger } from '../log/logger.js';
import { SerialConnection } from './serial-connection.js';

/** The simulator's binding, remembering the options of every open. */
class RecordingBinding extends SimSerialBinding {
  readonly opens: OpenOptions[] = [];
  override async open(options: OpenOptions) {
    this.opens.push({ ...options });
    return super.open(options);
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('serial connection', () => {
  test('a changed speed applies to the open port and to every reopening after a loss', async () => {
    const binding = new RecordingBinding();
    const device = binding.createPort('sim/line');
    const connection = new SerialConnection({
      path: 'sim/line',
      baudRate: 9600,
      binding,
      backoff: { initialMs: 10, maxMs: 20 },
      owner: 'test',
      log: silentLogger,
    });
    onTestFinished(() => connection.stop());
    const losses: string[] = [];
    connection.on('lost', (code) => losses.push(code));
    await connection.start();
    assert.ok(connection.isOpen);
    assert.equal(connection.baudRate, 9600);

    await connection.updateBaudRate(115_200);
    assert.equal(connection.baudRate, 115_200);
    assert.ok(connection.write(Buffer.from([1, 2, 3])), 'the port stays open across the change');

    binding.unplug('sim/line');
    await until(() => losses.length > 0, 'the loss');
    binding.replug('sim/line');
    await until(() => connection.isOpen && device.hostConnected, 'the reopened port');
    assert.deepEqual(
      binding.opens.map((o) => o.baudRate),
      [9600, ...binding.opens.slice(1).map(() => 115_200)],
      'reopened at the new speed',
    );
    assert.ok(binding.opens.length >= 2);
  });
});
