import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimRdm6300, SimSerialBinding } from '@acs/hardware-sim';
import type { CardRead, ReaderFault } from '@acs/shared/hardware/interfaces';
import { captureLogger, until } from '../test-support/fixtures.js';
import { Rdm6300Reader } from './rdm6300-reader.js';

function setup(debounceMs = 300) {
  const binding = new SimSerialBinding();
  const device = new SimRdm6300(binding.createPort('sim/r1'));
  const log = captureLogger();
  const reader = new Rdm6300Reader({
    id: 'r1',
    path: 'sim/r1',
    binding,
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

describe('RDM6300 reader over the simulated serial binding', () => {
  test('reports an em4100 credential with the hrtime of the completing chunk', async () => {
    const { device, reader, cards } = setup();
    await reader.start();
    try {
      const before = process.hrtime.bigint();
      await device.present(3887558, { chunks: 3 });
      await until(() => cards.length === 1, 1000, 'a card read');
      assert.equal(cards[0]!.credential, 'em4100:3887558');
      assert.equal(cards[0]!.readerId, 'r1');
      assert.ok(cards[0]!.receivedAtNs > before);
    } finally {
      await reader.stop();
    }
  });

  test('debounces a card held at the reader (repeated frames) into one read', async () => {
    // Frames 20 ms apart, a 1 s window: a loaded machine stalling a timer does not split the hold.
    const { device, reader, cards } = setup(1000);
    await reader.start();
    try {
      await device.present(3887558, { repeat: 5, repeatIntervalMs: 20 });
      await sleep(50);
      assert.equal(cards.length, 1);
      await sleep(1050);
      await device.present(3887558);
      await until(() => cards.length === 2, 1000, 'a second read after the debounce time');
    } finally {
      await reader.stop();
    }
  });

  test('does not debounce a different card', async () => {
    const { device, reader, cards } = setup(1000);
    await reader.start();
    try {
      await device.present(1);
      await device.present(2);
      await until(() => cards.length === 2, 1000, 'two reads');
      assert.deepEqual(
        cards.map((c) => c.credential),
        ['em4100:1', 'em4100:2'],
      );
    } finally {
      await reader.stop();
    }
  });

  test('rejects a corrupted frame and still reads the next one', async () => {
    const { device, reader, cards, log } = setup();
    await reader.start();
    try {
      device.sendRaw(Buffer.from('\x0268003B51C6CB\x03', 'latin1'));
      await device.present(3887558, { noise: Buffer.from([0xff, 0x13]) });
      await until(() => cards.length === 1, 1000, 'the good frame');
      assert.equal(reader.stats.checksumErrors, 1);
      assert.equal(log.find('checksum', 'DEBUG').length, 1);
    } finally {
      await reader.stop();
    }
  });

  test('reports a fault when unplugged, retries with backoff, and recovers when replugged', async () => {
    const { binding, device, reader, cards, faults, recovered } = setup();
    await reader.start();
    try {
      binding.unplug('sim/r1');
      await until(() => faults.length === 1, 1000, 'a fault');
      assert.equal(faults[0]!.code, 'port_closed');
      await sleep(150); // several failed reopen attempts: still one fault
      assert.equal(faults.length, 1);
      binding.replug('sim/r1');
      await until(() => recovered.length === 1, 1000, 'recovery');
      await device.present(3887558);
      await until(() => cards.length === 1, 1000, 'a read after recovery');
    } finally {
      await reader.stop();
    }
  });

  test('starts even when the port is missing, then recovers when it appears', async () => {
    const binding = new SimSerialBinding();
    const log = captureLogger();
    const reader = new Rdm6300Reader({ id: 'late', path: 'sim/late', binding, backoff: { initialMs: 20, maxMs: 40 }, log: log.logger });
    const faults: ReaderFault[] = [];
    let recovered = false;
    reader.on('fault', (f) => faults.push(f));
    reader.on('recovered', () => (recovered = true));
    await reader.start();
    try {
      assert.equal(faults[0]?.code, 'port_open_failed');
      binding.createPort('sim/late');
      await until(() => recovered, 1000, 'recovery');
      assert.equal(reader.isOpen, true);
    } finally {
      await reader.stop();
    }
  });
});
