import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimLineReader, SimSerialBinding } from '@acs/hardware-sim';
import { BUILT_IN_WIEGAND_FORMATS } from '@acs/shared/credentials/wiegand';
import type { CardRead, ReaderFault } from '@acs/shared/hardware/interfaces';
import { captureLogger, until } from '../test-support/fixtures.js';
import type { LineFormat } from './line-format.js';
import { LineReader } from './line-reader.js';

function setup(format: LineFormat, debounceMs = 300) {
  const binding = new SimSerialBinding();
  const device = new SimLineReader(binding.createPort('sim/wedge'));
  const log = captureLogger();
  const reader = new LineReader({
    id: 'wedge',
    path: 'sim/wedge',
    binding,
    format,
    debounceMs,
    backoff: { initialMs: 20, maxMs: 80 },
    log: log.logger,
  });
  const cards: CardRead[] = [];
  const faults: ReaderFault[] = [];
  const recovered: string[] = [];
  reader.on('card', (c) => cards.push(c));
  reader.on('fault', (f) => faults.push(f));
  reader.on('recovered', (id) => recovered.push(id));
  return { binding, device, reader, cards, faults, recovered, log };
}

describe('keyboard-wedge line reader over the simulated serial binding', () => {
  test('reads a 10-digit EM line split across chunks as em4100:3887558, stamped when the line ended', async () => {
    const { device, reader, cards } = setup({ type: 'em4100-decimal' });
    await reader.start();
    onTestFinished(() => reader.stop());
    const before = process.hrtime.bigint();
    await device.sendLine('0003887558', { chunks: 4 });
    await until(() => cards.length === 1, 1000, 'a card');
    assert.deepEqual([cards[0]!.readerId, cards[0]!.credential], ['wedge', 'em4100:3887558']);
    assert.ok(cards[0]!.receivedAtNs > before);
  });

  test('reads FC,CN lines as the configured Wiegand format and hex lines as UIDs', async () => {
    const wiegand = setup({ type: 'wiegand-fc-cn', wiegandFormat: BUILT_IN_WIEGAND_FORMATS.h10306! });
    const chip = setup({ type: 'hex-uid' });
    await wiegand.reader.start();
    await chip.reader.start();
    onTestFinished(() => Promise.all([wiegand.reader.stop(), chip.reader.stop()]));
    await wiegand.device.sendLine('1234,56789');
    await chip.device.sendLine('04A1B2C3');
    await until(() => wiegand.cards.length === 1 && chip.cards.length === 1, 1000, 'both cards');
    assert.equal(wiegand.cards[0]!.credential, 'h10306:1234:56789');
    assert.equal(chip.cards[0]!.credential, 'uid:04a1b2c3');
  });

  test('rejects, counts and logs garbage lines, and still reads the next good one', async () => {
    const { device, reader, cards, log } = setup({ type: 'em4100-decimal' });
    await reader.start();
    onTestFinished(() => reader.stop());
    device.sendRaw(Buffer.from('hello\r\n\u0000\u00ff\u0013\n12345\r\n'));
    device.sendRaw(Buffer.from(`${'7'.repeat(100)}\r\n`));
    await device.sendLine('0003887558');
    await until(() => cards.length === 1, 1000, 'the good line');
    assert.equal(cards[0]!.credential, 'em4100:3887558');
    assert.deepEqual(reader.stats, { lines: 4, cards: 1, rejected: 3, overlong: 1 });
    assert.equal(log.find('rejected line on wedge: expected 10 decimal digits', 'DEBUG').length, 3);
    assert.equal(log.find('longer than 64 characters', 'DEBUG').length, 1);
  });

  test('debounces a card whose line repeats while it is held, but not a different card', async () => {
    // Lines 30 ms apart, a 1 s window: a stalled timer on a loaded machine does not split the hold.
    const { device, reader, cards } = setup({ type: 'em4100-decimal' }, 1000);
    await reader.start();
    onTestFinished(() => reader.stop());
    await device.sendLine('0003887558', { repeat: 4, repeatIntervalMs: 30 });
    await device.sendLine('0007654321');
    await until(() => cards.length === 2, 1000, 'two reads');
    await sleep(50);
    assert.deepEqual(
      cards.map((c) => c.credential),
      ['em4100:3887558', 'em4100:7654321'],
    );
    await sleep(1000);
    await device.sendLine('0003887558');
    await until(() => cards.length === 3, 1000, 'a new presentation after the debounce time');
  });

  test('reports a fault when unplugged and recovers when replugged, like the RDM6300 reader', async () => {
    const { binding, device, reader, cards, faults, recovered } = setup({ type: 'em4100-decimal' });
    await reader.start();
    onTestFinished(() => reader.stop());
    binding.unplug('sim/wedge');
    await until(() => faults.length === 1, 1000, 'a fault');
    assert.equal(faults[0]!.code, 'port_closed');
    await sleep(120);
    assert.equal(faults.length, 1, 'one fault for the whole outage');
    binding.replug('sim/wedge');
    await until(() => recovered.length === 1, 1000, 'recovery');
    await device.sendLine('0003887558');
    await until(() => cards.length === 1, 1000, 'a read after recovery');
  });
});
