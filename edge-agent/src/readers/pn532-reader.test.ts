import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimPn532, SimSerialBinding } from '@acs/hardware-sim';
import type { CardRead, ReaderFault } from '@acs/shared/hardware/interfaces';
import { captureLogger, until } from '../test-support/fixtures.js';
import { Pn532Reader, type Pn532ReaderOptions } from './pn532-reader.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function setup(options: Partial<Pn532ReaderOptions> = {}) {
  const binding = new SimSerialBinding();
  const pn532 = new SimPn532(binding.createPort('sim/nfc'));
  const log = captureLogger();
  const reader = new Pn532Reader({
    id: 'nfc',
    path: 'sim/nfc',
    binding,
    pollIntervalMs: 20,
    // The simulated module answers in ~2 ms; generous timeouts keep a loaded machine from faulting it.
    ackTimeoutMs: 250,
    replyTimeoutMs: 400,
    debounceMs: 200,
    backoff: { initialMs: 20, maxMs: 80 },
    log: log.logger,
    ...options,
  });
  const cards: CardRead[] = [];
  const faults: ReaderFault[] = [];
  const recovered: string[] = [];
  reader.on('card', (c) => cards.push(c));
  reader.on('fault', (f) => faults.push(f));
  reader.on('recovered', (id) => recovered.push(id));
  return { binding, pn532, reader, cards, faults, recovered, log };
}

describe('PN532 reader against the simulated module', () => {
  test('wakes the module, configures it and polls with the exact documented PN532 frames', async () => {
    const { binding, reader, log } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    await until(() => reader.stats.polls >= 2, 2000, 'two polls');
    const sent = binding.hostWrites('sim/nfc');
    const samAt = sent.indexOf(hex('00 00 FF 05 FB D4 14 01 14 01 02 00'));
    assert.deepEqual(sent.subarray(0, 2), hex('55 55'), 'the wake-up comes first');
    assert.ok(samAt > 2 && sent.subarray(2, samAt).every((b) => b === 0), 'then idle bytes and SAMConfiguration');
    const firmwareAt = sent.indexOf(hex('00 00 FF 02 FE D4 02 2A 00'));
    const retriesAt = sent.indexOf(hex('00 00 FF 06 FA D4 32 05 FF 01 01 F4 00'));
    const pollAt = sent.indexOf(hex('00 00 FF 04 FC D4 4A 01 00 E1 00'));
    assert.ok(
      samAt < firmwareAt && firmwareAt < retriesAt && retriesAt < pollAt,
      'SAMConfiguration, GetFirmwareVersion, RFConfiguration, then polls',
    );
    assert.equal(reader.stats.firmware, 'PN532 v1.6 (support 0x07)');
    assert.equal(log.find('reader nfc polling', 'INFO').length, 1);
  });

  test('reports a card placed in the field once while it stays, and again after it was taken away', async () => {
    const { pn532, reader, cards } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    await until(() => reader.stats.polls >= 1, 2000, 'polling');
    const before = process.hrtime.bigint();
    pn532.placeCard('04a1b2c3');
    await until(() => cards.length === 1, 1000, 'the card');
    assert.deepEqual([cards[0]!.readerId, cards[0]!.credential], ['nfc', 'uid:04a1b2c3']);
    assert.ok(cards[0]!.receivedAtNs > before);
    const polls = reader.stats.polls;
    await until(() => reader.stats.polls >= polls + 10, 2000, 'ten more polls with the card left on the reader');
    assert.equal(cards.length, 1, 'a card left on the reader is one read');
    pn532.removeCard();
    let emptyFrom = reader.stats.polls;
    await until(() => reader.stats.polls >= emptyFrom + 2, 2000, 'polls of the empty field');
    await sleep(200); // past the debounce time
    pn532.placeCard('04a1b2c3d4e5f6');
    await until(() => cards.length === 2, 1000, 'a 7-byte UID');
    assert.equal(cards[1]!.credential, 'uid:04a1b2c3d4e5f6');
    pn532.removeCard();
    emptyFrom = reader.stats.polls;
    await until(() => reader.stats.polls >= emptyFrom + 2, 2000, 'polls of the empty field');
    await sleep(200);
    pn532.placeCard('04a1b2c3');
    await until(() => cards.length === 3, 2000, 'the first card presented again');
  });

  test('even without debounce, a card left on the reader is read once; taken away and back is a new read', async () => {
    const { pn532, reader, cards } = setup({ debounceMs: 0 });
    await reader.start();
    onTestFinished(() => reader.stop());
    pn532.placeCard('04a1b2c3');
    await until(() => cards.length === 1, 2000, 'the card');
    const polls = reader.stats.polls;
    await until(() => reader.stats.polls >= polls + 5, 2000, 'five more polls');
    assert.equal(cards.length, 1);
    pn532.removeCard();
    await until(() => reader.stats.polls >= polls + 7, 2000, 'polls of an empty field');
    pn532.placeCard('04a1b2c3');
    await until(() => cards.length === 2, 2000, 'the card again');
  });

  test('asks again with a NACK for a reply with a bad checksum, and reads through noise and split replies', async () => {
    const { pn532, reader, cards, faults, log } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    await until(() => reader.stats.polls >= 1, 2000, 'polling');
    pn532.placeCard('04a1b2c3');
    pn532.injectFault('bad_dcs');
    pn532.injectFault('noise');
    pn532.injectFault('split');
    pn532.injectFault('bad_lcs');
    await until(() => cards.length === 1, 2000, 'the card through the first fault (bad DCS, then NACK)');
    assert.equal(cards[0]!.credential, 'uid:04a1b2c3');
    // The card stays on the reader: the next polls meet the other faults.
    await until(() => reader.stats.lengthChecksumErrors >= 1, 2000, 'the bad LCS');
    const polls = reader.stats.polls;
    await until(() => reader.stats.polls >= polls + 3, 2000, 'polling goes on');
    assert.ok(reader.stats.dataChecksumErrors >= 1);
    assert.equal(cards.length, 1, 'still one read of the card left on the reader');
    assert.ok(log.find('rejected PN532 frame on nfc: data_checksum', 'DEBUG').length >= 1);
    assert.deepEqual(faults, [], 'isolated bad frames are not a reader fault');
  });

  test('a module that stops answering is a no_response fault; it recovers when the module answers again', async () => {
    const { pn532, reader, cards, faults, recovered } = setup({ failuresBeforeFault: 3 });
    await reader.start();
    onTestFinished(() => reader.stop());
    await until(() => reader.stats.polls >= 1, 2000, 'polling');
    pn532.injectFault('silent', 4);
    pn532.injectFault('no_reply', 2);
    await until(() => faults.length === 1, 8000, 'the fault');
    assert.equal(faults[0]!.code, 'no_response');
    assert.match(faults[0]!.message, /no good reply to 3 polls in a row \(last: no_ack\)/);
    // Reopened with backoff; the module still ignores a few commands, then answers.
    await until(() => recovered.length === 1, 8000, 'recovery');
    assert.equal(faults.length, 1, 'one fault for the outage');
    pn532.placeCard('04a1b2c3');
    await until(() => cards.length === 1, 1000, 'a read after recovery');
  });

  test('a module that never answers at start is a fault; the reader keeps trying', async () => {
    const { pn532, reader, faults, recovered } = setup();
    pn532.injectFault('silent', 1000);
    await reader.start();
    onTestFinished(() => reader.stop());
    await until(() => faults.length === 1, 8000, 'the fault');
    assert.match(faults[0]!.message, /no answer to wake-up and SAMConfiguration \(no_ack\)/);
    pn532.clearFaults();
    await until(() => recovered.length === 1, 8000, 'recovery once it answers');
  });

  test('unplugged: port_closed fault, reopened with backoff, re-initialised and polling again when replugged', async () => {
    const { binding, pn532, reader, cards, faults, recovered } = setup();
    await reader.start();
    onTestFinished(() => reader.stop());
    await until(() => reader.stats.polls >= 1, 2000, 'polling');
    binding.unplug('sim/nfc');
    await until(() => faults.length === 1, 8000, 'the fault');
    assert.equal(faults[0]!.code, 'port_closed');
    await sleep(100);
    pn532.reset(); // the module lost power with its cable
    binding.replug('sim/nfc');
    await until(() => recovered.length === 1, 8000, 'recovery');
    pn532.placeCard('04a1b2c3');
    await until(() => cards.length === 1, 1000, 'a read after recovery');
    assert.equal(faults.length, 1);
  });
});
