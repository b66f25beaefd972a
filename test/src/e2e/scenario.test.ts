import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryDirForDataDir, runSimCli, startControlServer, type ControlServer } from '@acs/hardware-sim';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

/** `acs-sim scenario day` against the demo server and agent, as a user runs it after `npm start`. */
describe('scripted scenarios from the command line', () => {
  const { site, cli } = simulatedSite('acs-scenario-');

  test('a day at the site: employees, a visitor with an escort, the contractor ceiling, two-person, a tailgate, a forced door', async () => {
    const guard = await site.system.token('guard');
    const run = await cli('scenario', 'day');
    assert.equal(run.code, 0, [...run.out, ...run.err].join('\n'));
    assert.match(run.out.at(-1)!, /every step as expected/);
    assert.deepEqual(site.reasons, [
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
    const doorEvents = await waitFor(
      async () => {
        const types = (await site.system.events(guard)).filter((e) => e.kind === 'door').map((e) => `${e.doorId}:${e.type}`);
        return types.includes('machine-room:forced_open') ? types : null;
      },
      'the forced door at the server',
      10_000,
    );
    assert.ok(doorEvents.includes('lab:opened'));
  });

  test('a scenario file is validated and its mistakes named; unknown names are refused', async () => {
    const file = join(site.dataDir, 'bad.json');
    await writeFile(file, JSON.stringify({ steps: [{ do: 'badge', door: 'lab' }, { do: 'jump' }] }));
    const bad = await cli('scenario', file);
    assert.equal(bad.code, 2);
    assert.match(bad.err.join('\n'), /not a valid scenario/);
    const unknown = await cli('scenario', 'night');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err.join('\n'), /unknown scenario 'night'/);
    const good = join(site.dataDir, 'good.json');
    await writeFile(good, JSON.stringify({ steps: [{ do: 'badge', door: 'machine-room', card: '7654321', expectRelease: true }] }));
    const mismatch = await cli('scenario', good);
    assert.equal(mismatch.code, 1, 'an outcome other than expected fails the run');
    assert.match(mismatch.out.join('\n'), /expected a release/);
  });

  test('every door-side alert type from a simulated cause reaches the alerts list', async () => {
    const admin = await site.system.token('admin');
    const guard = await site.system.token('guard');
    // Causes the day scenario already made: a visitor alone at an L1 door, a forced L3 door.
    // More: a lost card presented, repeated denials of an unknown card, a door held open,
    // an anti-passback breach is covered by door-rules tests; the agent's last will at the end.
    const cards = (await site.system.api<Array<{ id: string; credential: string; status: string }>>(admin, 'GET', '/api/cards')).body;
    const contractor = cards.find((c) => c.credential === 'em4100:7654321')!;
    assert.equal(
      (await site.system.api(admin, 'POST', `/api/cards/${contractor.id}/transition`, { to: 'lost', note: 'reported lost at reception' }))
        .status,
      201,
    );
    assert.equal((await site.system.api(admin, 'PATCH', '/api/doors/lab', { heldOpenMs: 5000 })).status, 200);
    const version = (await site.system.api<{ permissionVersion: number }>(admin, 'GET', '/api/site')).body.permissionVersion;
    await waitFor(
      () => (site.system.agent.permissionVersion ?? 0) >= version,
      'the agent to apply the lost card and the door timing',
      10_000,
    );
    const file = join(site.dataDir, 'alarms.json');
    await writeFile(
      file,
      JSON.stringify({
        steps: [
          { do: 'badge', door: 'office-gate', card: '7654321', expectRelease: false, note: 'the lost card' },
          { do: 'badge', door: 'lab', card: '1111111', expectRelease: false },
          { do: 'wait', ms: 1200 },
          { do: 'badge', door: 'lab', card: '1111111', expectRelease: false },
          { do: 'wait', ms: 1200 },
          { do: 'badge', door: 'lab', card: '1111111', expectRelease: false, note: 'third denial within a minute' },
          { do: 'badge', door: 'lab', card: '3887558', expectRelease: true },
          { do: 'door', door: 'lab', action: 'open' },
          { do: 'wait', ms: 5800, note: 'held open past 5 s' },
          { do: 'door', door: 'lab', action: 'close' },
        ],
      }),
    );
    const run = await cli('scenario', file);
    assert.equal(run.code, 0, [...run.out, ...run.err].join('\n'));
    const types = await waitFor(
      async () => {
        const alerts = (await site.system.api<Array<{ type: string }>>(guard, 'GET', '/api/alerts?scope=recent')).body.map((a) => a.type);
        const wanted = ['escort_violation', 'door_forced', 'card_lost_used', 'repeated_denials', 'door_held_prealarm', 'door_held_open'];
        return wanted.every((w) => alerts.includes(w)) ? alerts : null;
      },
      'the alerts of every simulated cause',
      10_000,
    );
    assert.ok(types.length >= 6);
    // The agent goes away (it says so on stopping, as its last will says for it when it dies).
    await site.system.agent.stop();
    await waitFor(
      async () =>
        (await site.system.api<Array<{ type: string }>>(guard, 'GET', '/api/alerts')).body.some((a) => a.type === 'agent_offline'),
      'agent_offline when the agent is gone',
      15_000,
    );
  });
});

/**
 * The rest of the hardware-caused alerts, each from its cause in the simulator: a reader's
 * cable pulled (fault, then cleared when it is back), an OSDP reader's tamper switch, a
 * revoked and an expired card presented, an anti-passback breach.
 */
describe('alerts from reader trouble and card states in a scenario file', () => {
  const { site, cli } = simulatedSite('acs-scenario-trouble-');

  test('what a reader cannot do is refused with the reason', async () => {
    const wiegandless = await cli('reader', 'tamper', '--door', 'lab');
    assert.equal(wiegandless.code, 2);
    assert.match(wiegandless.err.join('\n'), /reader lab-in \(rdm6300\) has no tamper switch/);
    const noReader = await cli('reader', 'unplug', '--door', 'lab', '--direction', 'out');
    assert.equal(noReader.code, 2);
    assert.match(noReader.err.join('\n'), /door lab has no simulated 'out' reader/);
    const badAction = await cli('reader', 'shake', '--door', 'lab');
    assert.equal(badAction.code, 2);
    assert.match(badAction.err.join('\n'), /reader needs an action: unplug, replug, tamper, untamper \(got 'shake'\)/);
  });

  test('reader fault and recovery, tamper, revoked and expired cards, anti-passback', async () => {
    const admin = await site.system.token('admin');
    const guard = await site.system.token('guard');
    const cards = (await site.system.api<Array<{ id: string; credential: string; personId: string | null }>>(admin, 'GET', '/api/cards'))
      .body;
    const lina = cards.find((c) => c.credential === 'em4100:1234567')!.personId!;
    const now = Date.now();
    const revoked = await site.system.api<{ id: string }>(admin, 'POST', '/api/cards', {
      credential: 'em4100:4400001',
      type: 'employee',
      personId: lina,
      note: 'second card',
    });
    assert.equal(revoked.status, 201, JSON.stringify(revoked.body));
    assert.equal(
      (await site.system.api(admin, 'POST', `/api/cards/${revoked.body.id}/transition`, { to: 'revoked', note: 'left the project' }))
        .status,
      201,
    );
    const expiring = await site.system.api<{ id: string }>(admin, 'POST', '/api/cards', {
      credential: 'em4100:4400002',
      type: 'employee',
      personId: lina,
      validFrom: now - 60_000,
      validUntil: now + 4000,
    });
    assert.equal(expiring.status, 201, JSON.stringify(expiring.body));
    // Requested by one admin, approved by another, issued by the first, then active.
    const approver = await site.system.token('approver');
    for (const [token, to] of [
      [approver, 'approved'],
      [admin, 'issued'],
      [admin, 'active'],
    ] as const) {
      const step = await site.system.api(token, 'POST', `/api/cards/${expiring.body.id}/transition`, { to });
      assert.equal(step.status, 201, `${to}: ${JSON.stringify(step.body)}`);
    }
    assert.equal((await site.system.api(admin, 'PATCH', '/api/zones/lab', { antiPassback: 'hard' })).status, 200);
    const version = (await site.system.api<{ permissionVersion: number }>(admin, 'GET', '/api/site')).body.permissionVersion;
    await waitFor(() => (site.system.agent.permissionVersion ?? 0) >= version, 'the agent to apply the cards and the zone rule', 10_000);
    await new Promise((r) => setTimeout(r, Math.max(0, now + 4500 - Date.now())));

    const file = join(site.dataDir, 'trouble.json');
    await writeFile(
      file,
      JSON.stringify({
        steps: [
          { do: 'reader', door: 'lab', action: 'unplug', note: 'the lab reader cable is pulled' },
          { do: 'wait', ms: 1500 },
          { do: 'reader', door: 'lab', action: 'replug' },
          { do: 'wait', ms: 1500, note: 'the agent reopens the port' },
          { do: 'reader', door: 'office-gate', direction: 'out', action: 'tamper', note: 'the exit reader is prised off the wall' },
          { do: 'wait', ms: 500 },
          { do: 'reader', door: 'office-gate', direction: 'out', action: 'untamper' },
          { do: 'badge', door: 'lab', card: '4400001', expectRelease: false, note: 'the revoked card' },
          { do: 'badge', door: 'lab', card: '4400002', expectRelease: false, note: 'the expired card' },
          { do: 'badge', door: 'lab', card: '3887558', expectRelease: true, note: 'Zhang Wei enters the lab' },
          { do: 'wait', ms: 1200 },
          {
            do: 'badge',
            door: 'lab',
            card: '3887558',
            expectRelease: false,
            note: 'and badges in again without having left: anti-passback',
          },
        ],
      }),
    );
    const run = await cli('scenario', file);
    assert.equal(run.code, 0, [...run.out, ...run.err].join('\n'));
    assert.match(run.out[0]!, /sim\/lab-in unplugged \(lab-in\)/);
    assert.deepEqual(site.reasons.slice(-4), ['card_revoked', 'card_expired', 'granted', 'anti_passback']);

    type Alert = { type: string; active: boolean; detail: string | null; credential: string | null; doorId: string | null };
    const alerts = await waitFor(
      async () => {
        const list = (await site.system.api<Alert[]>(guard, 'GET', '/api/alerts?scope=recent')).body;
        const wanted = ['reader_fault', 'tamper', 'card_revoked_used', 'card_expired_used', 'anti_passback'];
        const fault = list.find((a) => a.type === 'reader_fault');
        return wanted.every((w) => list.some((a) => a.type === w)) && fault && !fault.active ? list : null;
      },
      'an alert for every cause, and the reader fault cleared once the reader works again',
      15_000,
    );
    const byType = (type: string) => alerts.find((a) => a.type === type)!;
    assert.match(byType('reader_fault').detail ?? '', /lab-in/);
    assert.match(byType('tamper').detail ?? '', /office-gate-out: tamper switch active/);
    assert.equal(byType('card_revoked_used').credential, 'em4100:4400001');
    assert.equal(byType('card_expired_used').credential, 'em4100:4400002');
    assert.equal(byType('anti_passback').doorId, 'lab');
  });
});

/**
 * The demo server and agent with the simulator's control server registered in a temporary
 * data folder, as after `npm start`; `cli` runs `acs-sim` against it. Registers the enclosing
 * describe's before and after hooks; `site` is filled in by the time tests run.
 */
function simulatedSite(prefix: string) {
  const site = { system: undefined as unknown as TestSystem, dataDir: '', reasons: [] as string[] };
  let control: ControlServer | undefined;
  beforeAll(async () => {
    site.system = await startSystem();
    site.dataDir = await mkdtemp(join(tmpdir(), prefix));
    control = await startControlServer({
      sim: site.system.sim,
      agentId: site.system.agent.agentId,
      registryDir: registryDirForDataDir(site.dataDir),
    });
    site.system.agent.decisions.on('decision', (d) => site.reasons.push(d.decision.reason));
  });
  afterAll(async () => {
    await control?.close();
    await site.system?.close();
    if (site.dataDir) await rm(site.dataDir, { recursive: true, force: true });
  });
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSimCli([...argv, '--data-dir', site.dataDir], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };
  return { site, cli };
}
