import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { EventView } from '@acs/shared/api/events';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

// The walking skeleton on embedded defaults: SQLite, the embedded broker, the demo
// agent on simulated hardware. Zhang Wei (em4100:3887558) may enter the machine room;
// Wang Qiang (em4100:7654321) is a contractor, capped at L2, and the machine room is L3.
describe('a badge at a simulated reader reaches the door and the dashboard', () => {
  let system: TestSystem;
  let guard: string;
  let live: Awaited<ReturnType<TestSystem['listen']>>;

  beforeAll(async () => {
    system = await startSystem();
    guard = await system.token('guard');
    live = await system.listen(guard);
  });
  afterAll(() => system?.close());

  test('releases the lock for an allowed card only, stores both decisions once and pushes both live', async () => {
    const releasesBefore = system.sim.lockReleases('lab').length;
    const machineRoomBefore = system.sim.lockReleases('machine-room').length;
    const decisions: string[] = [];
    system.agent.decisions.on('decision', (d) => decisions.push(d.event.eventId));

    assert.equal(await system.sim.badge('lab', 3887558), true, 'the reader port is open');
    await waitFor(() => decisions.length === 1, 'the first decision');
    assert.equal(await system.sim.badge('machine-room', 7654321), true);
    await waitFor(() => decisions.length === 2, 'the second decision');

    await waitFor(() => system.sim.lockReleases('lab').length > releasesBefore, 'the lock relay to release');
    const [allowedId, deniedId] = decisions as [string, string];

    const stored = await waitFor(
      async () => {
        const events = await system.events(guard);
        const mine = events.filter((e) => e.eventId === allowedId || e.eventId === deniedId);
        return mine.length === 2 ? mine : undefined;
      },
      'both events in the server',
      10_000,
    );
    const allowed = stored.find((e) => e.eventId === allowedId)!;
    const denied = stored.find((e) => e.eventId === deniedId)!;
    assert.equal(allowed.granted, true);
    assert.equal(allowed.reason, 'granted');
    assert.equal(allowed.holder, '张伟 Zhang Wei');
    assert.equal(allowed.doorId, 'lab');
    assert.equal(allowed.credentialDisplay, '0003887558');
    assert.equal(denied.granted, false);
    assert.equal(denied.reason, 'level_ceiling');
    assert.ok(allowed.receivedAt >= allowed.occurredAt - 5_000, 'server time recorded beside device time');

    await waitFor(
      () => live.events.some((e) => e.eventId === deniedId) && live.events.some((e) => e.eventId === allowedId),
      'both events pushed over socket.io',
    );
    assert.equal(live.events.filter((e: EventView) => e.eventId === allowedId).length, 1);

    // Relay: one release for the allowed card, none for the denied one.
    assert.equal(system.sim.lockReleases('lab').length, releasesBefore + 1);
    assert.equal(system.sim.lockReleases('machine-room').length, machineRoomBefore);
    await waitFor(async () => (await system.agent.outboxSize()) === 0, 'the server to acknowledge every event');
  });

  test('the dashboard sees the agent online with the permission version it applied and a matching hash', async () => {
    const view = await waitFor(async () => {
      const v = await system.agentView(guard);
      return v?.online && v.appliedVersion !== null ? v : undefined;
    }, 'agent-1 online with an applied version');
    assert.equal(view.appliedVersion, system.agent.permissionVersion);
    assert.equal(view.hashMatches, true);
    assert.deepEqual([...view.doors].sort(), ['lab', 'machine-room', 'office-gate']);
  });

  test('a card suspended through the API is denied at the door once the agent applied the new version', async () => {
    const admin = await system.token('admin');
    const cards = await system.api<Array<{ id: string; credential: string }>>(admin, 'GET', '/api/cards');
    const card = cards.body.find((c) => c.credential === 'em4100:1234567')!;
    const before = system.agent.permissionVersion!;
    const patched = await system.api(admin, 'PATCH', `/api/cards/${card.id}`, { status: 'suspended' });
    assert.equal(patched.status, 200);
    await waitFor(() => (system.agent.permissionVersion ?? 0) > before, 'a newer permission version at the agent');

    const reasons: string[] = [];
    system.agent.decisions.on('decision', (d) => reasons.push(d.decision.reason));
    await system.sim.badge('office-gate', 1234567);
    await waitFor(() => reasons.length > 0, 'the decision');
    assert.equal(reasons[0], 'card_suspended');
  });
});
