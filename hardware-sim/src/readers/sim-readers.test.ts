import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPortStream } from '@serialport/stream';
import { BUILT_IN_WIEGAND_FORMATS, bitsToString, encodeWiegand } from '@acs/shared/credentials/wiegand';
import type { Level } from '@acs/shared/hardware/interfaces';
import { SimGpio } from '../gpio/sim-gpio.js';
import { SimSerialBinding } from '../serial/sim-serial-binding.js';
import { SimLineReader } from './sim-line-reader.js';
import { SimPn532 } from './sim-pn532.js';
import { SimWiegandTransmitter } from './sim-wiegand.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** The host side of a simulated serial line: everything received, and a way to send. */
async function host(binding: SimSerialBinding, path: string, baudRate: number) {
  const port = new SerialPortStream({ binding, path, baudRate });
  onTestFinished(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  await new Promise((resolve) => port.once('open', resolve));
  let received = Buffer.alloc(0);
  port.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  return {
    send: (bytes: Buffer) => port.write(bytes),
    received: () => received,
    clear: () => (received = Buffer.alloc(0)),
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

// docs/hardware.md#pn532-test-vectors and the wake-up preamble.
const WAKE = Buffer.concat([hex('55 55'), Buffer.alloc(14)]);
const GET_FIRMWARE = hex('00 00 FF 02 FE D4 02 2A 00');
const SAM_CONFIGURATION = hex('00 00 FF 05 FB D4 14 01 14 01 02 00');
const IN_LIST_PASSIVE_TARGET = hex('00 00 FF 04 FC D4 4A 01 00 E1 00');
const ACK = hex('00 00 FF 00 FF 00');
const NACK = hex('00 00 FF FF 00 00');

describe('simulated PN532', () => {
  async function setup() {
    const binding = new SimSerialBinding();
    const pn532 = new SimPn532(binding.createPort('sim/pn'));
    onTestFinished(() => pn532.close());
    const line = await host(binding, 'sim/pn', 115200);
    return { pn532, line };
  }

  test('ignores commands until the wake-up, then acknowledges SAMConfiguration and answers it', async () => {
    const { pn532, line } = await setup();
    line.send(SAM_CONFIGURATION);
    await sleep(30);
    assert.equal(line.received().length, 0, 'asleep: no answer');
    line.send(Buffer.concat([WAKE, SAM_CONFIGURATION]));
    await waitFor(() => line.received().length >= 15, 'ACK and reply');
    assert.deepEqual(line.received(), Buffer.concat([ACK, hex('00 00 FF 02 FE D5 15 16 00')]));
    assert.equal(pn532.isAwake, true);
    assert.deepEqual(
      pn532.commands.map((c) => c.code),
      [0x14, 0x14],
    );
  });

  test('answers GetFirmwareVersion with PN532 v1.6', async () => {
    const { line } = await setup();
    line.send(Buffer.concat([WAKE, GET_FIRMWARE]));
    await waitFor(() => line.received().length >= 19, 'ACK and reply');
    assert.deepEqual(line.received(), Buffer.concat([ACK, hex('00 00 FF 06 FA D5 03 32 01 06 07 E8 00')]));
  });

  test('reports no target with an empty field and the UID of a card in it', async () => {
    const { pn532, line } = await setup();
    line.send(Buffer.concat([WAKE, IN_LIST_PASSIVE_TARGET]));
    await waitFor(() => line.received().length >= 16, 'empty reply');
    assert.deepEqual(line.received(), Buffer.concat([ACK, hex('00 00 FF 03 FD D5 4B 00 E0 00')]));
    line.clear();
    pn532.placeCard('04a1b2c3');
    line.send(IN_LIST_PASSIVE_TARGET);
    await waitFor(() => line.received().length >= 25, 'reply with a target');
    // NbTg 1, Tg 1, SENS_RES 00 04, SEL_RES 08, NFCID length 4, UID.
    assert.deepEqual(line.received().subarray(6, 19), hex('00 00 FF 0C F4 D5 4B 01 01 00 04 08 04'));
    assert.deepEqual(line.received().subarray(19, 23), hex('04 a1 b2 c3'));
  });

  test('sends a reply with a bad checksum on demand and the good one again after a NACK', async () => {
    const { pn532, line } = await setup();
    pn532.injectFault('bad_dcs');
    line.send(Buffer.concat([WAKE, GET_FIRMWARE]));
    await waitFor(() => line.received().length >= 19, 'corrupted reply');
    assert.deepEqual(line.received().subarray(6), hex('00 00 FF 06 FA D5 03 32 01 06 07 E9 00'));
    line.clear();
    line.send(NACK);
    await waitFor(() => line.received().length >= 13, 'resent reply');
    assert.deepEqual(line.received(), hex('00 00 FF 06 FA D5 03 32 01 06 07 E8 00'));
  });

  test('acknowledges without replying, or stays silent, on demand', async () => {
    const { pn532, line } = await setup();
    pn532.injectFault('no_reply');
    pn532.injectFault('silent');
    line.send(Buffer.concat([WAKE, GET_FIRMWARE]));
    await sleep(40);
    assert.deepEqual(line.received(), ACK);
    line.send(GET_FIRMWARE);
    await sleep(40);
    assert.deepEqual(line.received(), ACK);
    line.send(GET_FIRMWARE);
    await waitFor(() => line.received().length >= 25, 'a normal reply again');
  });

  test('answers an unknown command with the error frame', async () => {
    const { line } = await setup();
    line.send(Buffer.concat([WAKE, hex('00 00 FF 02 FE D4 99 93 00')]));
    await waitFor(() => line.received().length >= 14, 'ACK and error frame');
    assert.deepEqual(line.received(), Buffer.concat([ACK, hex('00 00 FF 01 FF 7F 81 00')]));
  });

  test('present() holds a card until a poll has seen it, then takes it away', async () => {
    const { pn532, line } = await setup();
    line.send(WAKE);
    const presented = pn532.present('04a1b2c3d4e5f6', 200);
    await sleep(20);
    line.send(IN_LIST_PASSIVE_TARGET);
    assert.equal(await presented, true);
    assert.equal(pn532.cardInField, null);
    assert.equal(await pn532.present('04a1b2c3', 30), false, 'nobody polled');
    assert.throws(() => pn532.placeCard('04a1b2'), /4, 7 or 10 bytes/);
  });
});

describe('simulated line reader', () => {
  test('types the text and CR LF, split into chunks', async () => {
    const binding = new SimSerialBinding();
    const reader = new SimLineReader(binding.createPort('sim/line'));
    const line = await host(binding, 'sim/line', 9600);
    assert.equal(await reader.sendLine('0003887558', { chunks: 3 }), true);
    await waitFor(() => line.received().length >= 12, 'the line');
    assert.equal(line.received().toString('latin1'), '0003887558\r\n');
  });
});

describe('simulated Wiegand transmitter', () => {
  function watch(gpio: SimGpio, d0: number, d1: number) {
    const edges: { bit: 0 | 1; atNs: bigint }[] = [];
    gpio.input(d0, { debounceMs: 0, edge: 'rising' }).watch((_l: Level, atNs) => edges.push({ bit: 0, atNs }));
    gpio.input(d1, { debounceMs: 0, edge: 'rising' }).watch((_l: Level, atNs) => edges.push({ bit: 1, atNs }));
    return edges;
  }

  test('holds both lines high while idle', () => {
    const gpio = new SimGpio();
    new SimWiegandTransmitter(gpio, { d0Line: 5, d1Line: 6 });
    assert.deepEqual([gpio.level(5), gpio.level(6)], [1, 1]);
  });

  test('delivers a frame at once with the timestamps of the wire: pulse ends interval apart', () => {
    const gpio = new SimGpio();
    const tx = new SimWiegandTransmitter(gpio, { d0Line: 5, d1Line: 6 });
    const edges = watch(gpio, 5, 6);
    const bits = encodeWiegand(BUILT_IN_WIEGAND_FORMATS.h10301!, { facility: 123, card: 4567 });
    const last = tx.sendInstant(bits, { startNs: 1_000_000n, timing: { pulseWidthUs: 50, intervalUs: 2000 } });
    assert.equal(edges.map((e) => e.bit).join(''), bitsToString(bits));
    assert.equal(edges[0]!.atNs, 1_050_000n);
    assert.equal(edges[1]!.atNs - edges[0]!.atNs, 2_000_000n);
    assert.equal(last, 1_000_000n + 25n * 2_000_000n + 50_000n);
    assert.deepEqual([gpio.level(5), gpio.level(6)], [1, 1]);
  });

  test('sends with real timers at millisecond resolution, one frame after the other', async () => {
    const gpio = new SimGpio();
    const tx = new SimWiegandTransmitter(gpio, { d0Line: 5, d1Line: 6, timing: { pulseWidthUs: 50, intervalUs: 1000 } });
    const edges = watch(gpio, 5, 6);
    const bits = encodeWiegand(BUILT_IN_WIEGAND_FORMATS.h10301!, { facility: 1, card: 1 });
    const started = process.hrtime.bigint();
    await Promise.all([tx.send(bits), tx.send(bits)]);
    assert.equal(edges.map((e) => e.bit).join(''), bitsToString(bits).repeat(2));
    // 25 gaps of at least (1000 - 50) µs each, rounded up by the timers.
    assert.ok(edges[25]!.atNs - started >= 25n * 900_000n);
  });
});
