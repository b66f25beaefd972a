import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

// The production path: the machine's Mosquitto and PostgreSQL instead of the embedded
// broker and SQLite. `.ci/run` sets both variables; elsewhere the suite is skipped.
const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;
const mqttUrl = process.env.ACS_TEST_MQTT_URL;
const skip =
  !postgresUrl || !mqttUrl
    ? 'set ACS_TEST_POSTGRES_URL and ACS_TEST_MQTT_URL to run against a real PostgreSQL and Mosquitto (.ci/run does)'
    : false;

describeUnless(skip)('the badge path on PostgreSQL and Mosquitto', () => {
  let system: TestSystem;
  let guard: string;

  beforeAll(async () => {
    // A freshly registered agent with a unique id: the broker is shared with other runs.
    system = await startSystem({ postgresUrl, mqttUrl, agent: 'fresh' });
    guard = await system.token('guard');
  });
  afterAll(() => system?.close());

  test('grants and denies at the door, stores each event once in PostgreSQL and pushes both live', async () => {
    const live = await system.listen(guard);
    const door = system.doors[0]!;
    const decisions: Array<{ id: string; granted: boolean; reason: string }> = [];
    system.agent.decisions.on('decision', (d) =>
      decisions.push({ id: d.event.eventId, granted: d.decision.granted, reason: d.decision.reason }),
    );

    await system.sim.badge(door, 3887558); // Zhang Wei: lab at any time
    await waitFor(() => decisions.length === 1, 'the first decision');
    await system.sim.badge(door, 7654321); // Wang Qiang: no lab grant
    await waitFor(() => decisions.length === 2, 'the second decision');

    assert.deepEqual(
      decisions.map((d) => [d.granted, d.reason]),
      [
        [true, 'granted'],
        [false, 'no_permission'],
      ],
    );
    assert.equal(system.sim.lockReleases(door).length, 1, 'the relay released for the allowed card only');

    const ids = decisions.map((d) => d.id);
    const stored = await waitFor(
      async () => {
        const events = (await system.events(guard, `limit=50&doorId=${door}`)).filter((e) => ids.includes(e.eventId));
        return events.length === 2 ? events : undefined;
      },
      'both events in PostgreSQL',
      10_000,
    );
    assert.equal(new Set(stored.map((e) => e.eventId)).size, 2);
    await waitFor(() => ids.every((id) => live.events.some((e) => e.eventId === id)), 'both events pushed over socket.io');
    await waitFor(async () => (await system.agent.outboxSize()) === 0, 'the acknowledgement through Mosquitto');
  });
});
