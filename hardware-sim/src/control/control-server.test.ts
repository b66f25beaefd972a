import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPortStream } from '@serialport/stream';
import { BUILT_IN_WIEGAND_FORMATS, bitsToString, encodeWiegand } from '@acs/shared/credentials/wiegand';
import { createSimHardware } from '../sim-hardware.js';
import { startStandInController } from '../test-support/stand-in-controller.js';
import { startControlServer } from './control-server.js';
import { defaultRegistryDir, readRegistry } from './sim-registry.js';

const SPEC = {
  readers: [{ id: 'lab-in', door: 'lab', direction: 'in' as const, type: 'rdm6300' as const, path: 'sim/lab-in' }],
  doors: [
    { id: 'lab', lock: { line: 23 }, contact: { line: 24, openLevel: 1 as const }, exitButton: { line: 25, pressedLevel: 0 as const } },
    { id: 'store', lock: { line: 5, activeLow: true } },
  ],
};

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'acs-sim-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const sim = createSimHardware(SPEC);
  const stopController = await startStandInController(sim, [3887558]);
  onTestFinished(stopController);
  const registryDir = defaultRegistryDir(join(dir, 'agent-1'));
  const server = await startControlServer({ sim, agentId: 'agent-1', registryDir });
  onTestFinished(() => server.close());
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { dir, sim, server, registryDir, call };
}

describe('simulator control server', () => {
  test('registers itself where acs-sim looks and removes the entry on close', async () => {
    const { server, registryDir, dir } = await setup();
    assert.equal(server.registryFile, join(dir, 'sim', 'agent-1.json'));
    const entry = JSON.parse(await readFile(server.registryFile, 'utf8'));
    assert.deepEqual([entry.agentId, entry.port, entry.pid, entry.doors], ['agent-1', server.port, process.pid, ['lab', 'store']]);
    assert.equal((await readRegistry(registryDir)).length, 1);
    await server.close();
    assert.deepEqual(await readRegistry(registryDir), []);
  });

  test('POST /badge answers whether the lock released', async () => {
    const { call } = await setup();
    const granted = await call('POST', '/badge', { door: 'lab', card: 3887558 });
    assert.deepEqual(
      [granted.status, granted.body.released, granted.body.cardDisplay, granted.body.direction],
      [200, true, '0003887558', 'in'],
    );
    const denied = await call('POST', '/badge', { door: 'lab', card: '7654321' });
    assert.deepEqual([denied.status, denied.body.released], [200, false]);
  });

  test('rejects bad bodies with a clear error', async () => {
    const { call } = await setup();
    const notJson = await call('POST', '/badge', '{nope');
    assert.deepEqual([notJson.status, notJson.body.error], [400, 'invalid_json']);
    const noCard = await call('POST', '/badge', { door: 'lab', card: { tag: 1 } });
    assert.deepEqual([noCard.status, noCard.body.error], [400, 'validation_failed']);
    assert.match(noCard.body.message, /card/);
    const badCard = await call('POST', '/badge', { door: 'lab', card: 'abc' });
    assert.deepEqual([badCard.status, badCard.body.error], [400, 'card_mismatch']);
    assert.match(
      badCard.body.message,
      /door lab: reader lab-in \(rdm6300\) reads EM4100 cards: the card must be a decimal number from 0 to 4294967295/,
    );
    const tooBig = await call('POST', '/badge', { door: 'lab', card: 4294967296 });
    assert.deepEqual([tooBig.status, tooBig.body.error], [400, 'card_mismatch']);
    const badAction = await call('POST', '/door', { door: 'lab', action: 'explode' });
    assert.equal(badAction.status, 400);
    assert.match(badAction.body.message, /action/);
  });

  test('rejects an unknown door, a missing reader and an unknown route', async () => {
    const { call } = await setup();
    const unknown = await call('POST', '/badge', { door: 'attic', card: 1 });
    assert.deepEqual([unknown.status, unknown.body.error], [404, 'unknown_door']);
    assert.match(unknown.body.message, /lab, store/);
    const noReader = await call('POST', '/badge', { door: 'lab', card: 1, direction: 'out' });
    assert.deepEqual([noReader.status, noReader.body.error], [400, 'no_reader']);
    const route = await call('GET', '/nowhere');
    assert.equal(route.status, 404);
  });

  test('POST /door opens only a released door, forces, closes and presses exit', async () => {
    const { call, sim } = await setup();
    const locked = await call('POST', '/door', { door: 'lab', action: 'open' });
    assert.deepEqual([locked.status, locked.body.error], [409, 'door_locked']);
    const forced = await call('POST', '/door', { door: 'lab', action: 'force' });
    assert.deepEqual([forced.status, forced.body.open, forced.body.locked], [200, true, true]);
    const closed = await call('POST', '/door', { door: 'lab', action: 'close' });
    assert.equal(closed.body.open, false);
    const exit = await call('POST', '/door', { door: 'lab', action: 'exit' });
    assert.equal(exit.status, 200);
    assert.equal(sim.gpio.level(25), 1, 'exit button released again');
    const noButton = await call('POST', '/door', { door: 'store', action: 'exit' });
    assert.deepEqual([noButton.status, noButton.body.error], [400, 'no_exit_button']);
  });

  test('GET /state lists doors and readers', async () => {
    const { call } = await setup();
    await call('POST', '/badge', { door: 'lab', card: 3887558 });
    const state = await call('GET', '/state');
    assert.equal(state.status, 200);
    assert.deepEqual(
      state.body.doors.map((d: any) => [d.id, d.releases]),
      [
        ['lab', 1],
        ['store', 0],
      ],
    );
    assert.deepEqual(
      state.body.readers.map((r: any) => [r.id, r.connected]),
      [['lab-in', true]],
    );
  });

  test('presents a card the way each kind of reader reports it and refuses one that cannot come from it', async () => {
    const h10301 = BUILT_IN_WIEGAND_FORMATS.h10301!;
    const sim = createSimHardware({
      readers: [
        { id: 'gate-in', door: 'gate', direction: 'in', type: 'wiegand', d0Line: 5, d1Line: 6, format: h10301 },
        { id: 'gate-out', door: 'gate', direction: 'out', type: 'pn532', path: 'sim/pn' },
        {
          id: 'dock-in',
          door: 'dock',
          direction: 'in',
          type: 'line',
          path: 'sim/line',
          lineFormat: { type: 'wiegand-fc-cn', wiegandFormat: h10301 },
        },
      ],
      doors: [
        { id: 'gate', lock: { line: 17 } },
        { id: 'dock', lock: { line: 23 } },
      ],
    });
    onTestFinished(() => sim.close());
    const server = await startControlServer({ sim, agentId: 'agent-2', registryDir: null, releaseWaitMs: 20 });
    onTestFinished(() => server.close());
    const call = async (body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${server.port}/badge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    // Wiegand: the pulse train of H10301 123:4567 on D0/D1.
    const bits: number[] = [];
    sim.gpio.input(5, { debounceMs: 0, edge: 'rising' }).watch(() => bits.push(0));
    sim.gpio.input(6, { debounceMs: 0, edge: 'rising' }).watch(() => bits.push(1));
    const wiegand = await call({ door: 'gate', card: '123:4567' });
    assert.deepEqual(
      [wiegand.status, wiegand.body.cardDisplay, wiegand.body.readerType, wiegand.body.released],
      [200, '123:4567', 'wiegand', false],
    );
    assert.equal(bits.join(''), bitsToString(encodeWiegand(h10301, { facility: 123, card: 4567 })));

    // Line reader: the vendor's FC,CN text.
    const port = new SerialPortStream({ binding: sim.serialBinding, path: 'sim/line', baudRate: 9600 });
    onTestFinished(() => new Promise<void>((resolve) => port.close(() => resolve())));
    await new Promise((resolve) => port.once('open', resolve));
    let text = '';
    port.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const line = await call({ door: 'dock', card: '123:4567' });
    assert.deepEqual([line.status, line.body.readerType], [200, 'line']);
    assert.equal(text, '123,4567\r\n');

    const mismatches: [unknown, RegExp][] = [
      [
        { door: 'gate', card: '3887558' },
        /door gate: reader gate-in \(wiegand\) reads HID H10301 26-bit cards: the card must be <facility>:<card> with facility 0-255 and card 0-65535 \(e\.g\. 123:4567\), got '3887558'/,
      ],
      [{ door: 'gate', card: '256:1' }, /facility 0-255/],
      [
        { door: 'gate', card: '3887558', direction: 'out' },
        /reader gate-out \(pn532\) reads chip UIDs: the card must be 4, 7 or 10 bytes of hex \(e\.g\. 04a1b2c3\)/,
      ],
      [{ door: 'dock', card: '04a1b2c3' }, /reader dock-in \(line\) reads HID H10301 26-bit cards/],
    ];
    for (const [body, message] of mismatches) {
      const refused = await call(body);
      assert.deepEqual([refused.status, refused.body.error], [400, 'card_mismatch'], JSON.stringify(body));
      assert.match(refused.body.message, message);
    }
    const state = await fetch(`http://127.0.0.1:${server.port}/state`).then((r) => r.json() as Promise<any>);
    assert.deepEqual(
      state.readers.map((r: any) => [r.id, r.type, r.path]),
      [
        ['gate-in', 'wiegand', 'GPIO 5/6'],
        ['gate-out', 'pn532', 'sim/pn'],
        ['dock-in', 'line', 'sim/line'],
      ],
    );
  });
});
