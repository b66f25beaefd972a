import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function setup(t: import('node:test').TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'acs-sim-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sim = createSimHardware(SPEC);
  const stopController = await startStandInController(sim, [3887558]);
  t.after(stopController);
  const registryDir = defaultRegistryDir(join(dir, 'agent-1'));
  const server = await startControlServer({ sim, agentId: 'agent-1', registryDir });
  t.after(() => server.close());
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
  test('registers itself where acs-sim looks and removes the entry on close', async (t) => {
    const { server, registryDir, dir } = await setup(t);
    assert.equal(server.registryFile, join(dir, 'sim', 'agent-1.json'));
    const entry = JSON.parse(await readFile(server.registryFile!, 'utf8'));
    assert.deepEqual([entry.agentId, entry.port, entry.pid, entry.doors], ['agent-1', server.port, process.pid, ['lab', 'store']]);
    assert.equal((await readRegistry(registryDir)).length, 1);
    await server.close();
    assert.deepEqual(await readRegistry(registryDir), []);
  });

  test('POST /badge answers whether the lock released', async (t) => {
    const { call } = await setup(t);
    const granted = await call('POST', '/badge', { door: 'lab', card: 3887558 });
    assert.deepEqual([granted.status, granted.body.released, granted.body.cardDisplay, granted.body.direction], [200, true, '0003887558', 'in']);
    const denied = await call('POST', '/badge', { door: 'lab', card: '7654321' });
    assert.deepEqual([denied.status, denied.body.released], [200, false]);
  });

  test('rejects bad bodies with a clear error', async (t) => {
    const { call } = await setup(t);
    const notJson = await call('POST', '/badge', '{nope');
    assert.deepEqual([notJson.status, notJson.body.error], [400, 'invalid_json']);
    const badCard = await call('POST', '/badge', { door: 'lab', card: 'abc' });
    assert.equal(badCard.status, 400);
    assert.equal(badCard.body.error, 'validation_failed');
    assert.match(badCard.body.message, /card/);
    const tooBig = await call('POST', '/badge', { door: 'lab', card: 4294967296 });
    assert.equal(tooBig.status, 400);
    const badAction = await call('POST', '/door', { door: 'lab', action: 'explode' });
    assert.equal(badAction.status, 400);
    assert.match(badAction.body.message, /action/);
  });

  test('rejects an unknown door, a missing reader and an unknown route', async (t) => {
    const { call } = await setup(t);
    const unknown = await call('POST', '/badge', { door: 'attic', card: 1 });
    assert.deepEqual([unknown.status, unknown.body.error], [404, 'unknown_door']);
    assert.match(unknown.body.message, /lab, store/);
    const noReader = await call('POST', '/badge', { door: 'lab', card: 1, direction: 'out' });
    assert.deepEqual([noReader.status, noReader.body.error], [400, 'no_reader']);
    const route = await call('GET', '/nowhere');
    assert.equal(route.status, 404);
  });

  test('POST /door opens only a released door, forces, closes and presses exit', async (t) => {
    const { call, sim } = await setup(t);
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

  test('GET /state lists doors and readers', async (t) => {
    const { call } = await setup(t);
    await call('POST', '/badge', { door: 'lab', card: 3887558 });
    const state = await call('GET', '/state');
    assert.equal(state.status, 200);
    assert.deepEqual(state.body.doors.map((d: any) => [d.id, d.releases]), [['lab', 1], ['store', 0]]);
    assert.deepEqual(state.body.readers.map((r: any) => [r.id, r.connected]), [['lab-in', true]]);
  });
});
