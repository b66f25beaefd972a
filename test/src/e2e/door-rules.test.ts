import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { CardView } from '@acs/shared/api/cards';
import type { PersonView } from '@acs/shared/api/people';
import type { SiteView } from '@acs/shared/api/site';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

/**
 * The rules of docs/product-rules.md#rules-at-the-door through the whole system: the server compiles them into the
 * agent's set, the agent decides at its simulated readers and drives the simulated relay.
 */
describe('door rules end to end: two-person, escort, lockdown', () => {
  let system: TestSystem;
  let admin: string;
  let guard: string;
  const decisions: Array<{ door: string; granted: boolean; reason: string }> = [];
  const ZHANG = 3887558;
  const LINA = 1234567;
  const VISITOR = 5550001;

  async function badge(door: string, tag: number): Promise<{ granted: boolean; reason: string }> {
    const count = decisions.length;
    await system.sim.badge(door, tag);
    const d = await waitFor(() => decisions[count], `the decision at ${door}`);
    return { granted: d.granted, reason: d.reason };
  }
  /** The agent holds at least the version the server is at now. */
  async function agentCaughtUp(): Promise<void> {
    const version = (await system.api<SiteView>(admin, 'GET', '/api/site')).body.permissionVersion;
    await waitFor(() => (system.agent.permissionVersion ?? 0) >= version, `the agent to apply version ${version}`, 10_000);
  }
  /** A reader ignores the same tag presented again at once (debounce); wait it out. */
  const pause = (ms = 1100) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.token('admin');
    guard = await system.token('guard');
    system.agent.decisions.on('decision', (d) =>
      decisions.push({ door: d.doorId, granted: d.decision.granted, reason: d.decision.reason }),
    );
    await waitFor(() => system.agent.permissionVersion !== null, 'the first permission set');
  });
  afterAll(async () => {
    await system?.close();
  });

  test('the L3 machine room opens only for two authorised people together', async () => {
    const people = (await system.api<PersonView[]>(admin, 'GET', '/api/people')).body;
    const lina = people.find((p) => p.name.includes('Li Na'))!;
    assert.equal((await system.api(admin, 'POST', '/api/grants', { personId: lina.id, zoneId: 'machine-room' })).status, 201);
    await agentCaughtUp();
    const releases = system.sim.lockReleases('machine-room').length;
    assert.deepEqual(await badge('machine-room', ZHANG), { granted: false, reason: 'two_person_pending' });
    assert.equal(system.sim.lockReleases('machine-room').length, releases, 'one person alone: the door stays locked');
    assert.deepEqual(await badge('machine-room', LINA), { granted: true, reason: 'granted' });
    await waitFor(() => system.sim.lockReleases('machine-room').length === releases + 1, 'the second person to open the door');
  });

  test('a visitor needs an employee escort at the same door', async () => {
    await pause();
    assert.deepEqual(await badge('office-gate', VISITOR), { granted: false, reason: 'escort_required' });
    assert.deepEqual(await badge('office-gate', ZHANG), { granted: true, reason: 'granted' });
    await pause();
    assert.deepEqual(await badge('office-gate', VISITOR), { granted: true, reason: 'granted' });
  });

  test('a guard locks the site down: ordinary cards are refused, a designated card still opens; the end gives access back', async () => {
    await pause();
    const started = await system.api(guard, 'POST', '/api/lockdown/start', { scope: 'site', reason: 'drill' });
    assert.equal(started.status, 200);
    await agentCaughtUp();
    assert.deepEqual(await badge('lab', ZHANG), { granted: false, reason: 'lockdown' });

    const cards = (await system.api<CardView[]>(admin, 'GET', '/api/cards')).body;
    const zhangCard = cards.find((c) => c.credential === `em4100:${ZHANG}`)!;
    assert.equal((await system.api(admin, 'PATCH', `/api/cards/${zhangCard.id}`, { lockdownAccess: true })).status, 200);
    await agentCaughtUp();
    await pause();
    const releases = system.sim.lockReleases('lab').length;
    assert.deepEqual(await badge('lab', ZHANG), { granted: true, reason: 'granted' });
    await waitFor(() => system.sim.lockReleases('lab').length === releases + 1, 'the designated card to open the lab');
    assert.deepEqual(await badge('lab', LINA), { granted: false, reason: 'lockdown' });

    assert.equal((await system.api(guard, 'POST', '/api/lockdown/end', { scope: 'site', reason: 'drill over' })).status, 200);
    await agentCaughtUp();
    await pause();
    const afterEnd = await badge('office-gate', LINA);
    assert.notEqual(afterEnd.reason, 'lockdown');
  });
});
