import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryDirForDataDir, runSimCli, startControlServer, type ControlServer } from '@acs/hardware-sim';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

/** `acs-sim scenario day` against the demo server and agent, as a user runs it after `npm start`. */
describe('scripted scenarios from the command line', () => {
  let system: TestSystem;
  let control: ControlServer;
  let dataDir: string;
  const reasons: string[] = [];

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSimCli([...argv, '--data-dir', dataDir], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  before(async () => {
    system = await startSystem();
    dataDir = await mkdtemp(join(tmpdir(), 'acs-scenario-'));
    control = await startControlServer({ sim: system.sim, agentId: system.agent.agentId, registryDir: registryDirForDataDir(dataDir) });
    system.agent.decisions.on('decision', (d) => reasons.push(d.decision.reason));
  });
  after(async () => {
    await control?.close();
    await system?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a day at the site: employees, a visitor with an escort, the contractor ceiling, two-person, a tailgate, a forced door', async () => {
    const guard = await system.token('guard');
    const run = await cli('scenario', 'day');
    assert.equal(run.code, 0, [...run.out, ...run.err].join('\n'));
    assert.match(run.out.at(-1)!, /every step as expected/);
    assert.deepEqual(reasons, [
      'escort_required',
      'granted',
      'granted',
      'granted',
      'level_ceiling',
      'two_person_pending',
      'card_suspended',
      'granted',
    ]);
    // The door events reach the guard's event list too.
    const doorEvents = await waitFor(async () => {
      const types = (await system.events(guard)).filter((e) => e.kind === 'door').map((e) => `${e.doorId}:${e.type}`);
      return types.includes('machine-room:forced_open') ? types : null;
    }, 'the forced door at the server', 10_000);
    assert.ok(doorEvents.includes('lab:opened'));
  });

  test('a scenario file is validated and its mistakes named; unknown names are refused', async () => {
    const file = join(dataDir, 'bad.json');
    await writeFile(file, JSON.stringify({ steps: [{ do: 'badge', door: 'lab' }, { do: 'jump' }] }));
    const bad = await cli('scenario', file);
    assert.equal(bad.code, 2);
    assert.match(bad.err.join('\n'), /not a valid scenario/);
    const unknown = await cli('scenario', 'night');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err.join('\n'), /unknown scenario 'night'/);
    const good = join(dataDir, 'good.json');
    await writeFile(good, JSON.stringify({ steps: [{ do: 'badge', door: 'machine-room', card: '7654321', expectRelease: true }] }));
    const mismatch = await cli('scenario', good);
    assert.equal(mismatch.code, 1, 'an outcome other than expected fails the run');
    assert.match(mismatch.out.join('\n'), /expected a release/);
  });
});
