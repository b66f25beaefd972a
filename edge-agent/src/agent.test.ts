import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { AccessEvent } from '@acs/shared/mqtt/payloads';
import { startAgent, type AgentDecision, type RunningAgent } from './agent.js';
import { LocalStore } from './store/local-store.js';
import { brokerAndServer, FakeServer, startBroker } from './test-support/broker.js';
import {
  captureLogger,
  demoPermissionSet,
  simAgentConfig,
  snapshot,
  TAG_CONTRACTOR,
  TAG_EMPLOYEE,
  tempDir,
  until,
  waitFor,
} from './test-support/fixtures.js';

function nextDecision(agent: RunningAgent, doorId: string): Promise<AgentDecision> {
  return waitFor<AgentDecision>(
    (listener) => {
      agent.decisions.on('decision', listener);
      return () => agent.decisions.off('decision', listener);
    },
    (d) => d.doorId === doorId,
    3000,
    `a decision at ${doorId}`,
  );
}

async function badge(agent: RunningAgent, doorId: string, tag: number): Promise<AgentDecision> {
  const decided = nextDecision(agent, doorId);
  await agent.hardware.sim!.badge(doorId, tag);
  return decided;
}

// Release times in the set are the minimum (3 s) so relock events do not race the assertions.
const SET = demoPermissionSet({
  doors: demoPermissionSet().doors.map((d) => ({ ...d, releaseMs: 3000 })),
});

describe('edge agent against a broker, with simulated hardware', () => {
  test('applies a snapshot, decides badges locally, pulses only the granted relay, delivers and forgets acknowledged events, survives bad payloads and restarts from its own store', async () => {
    const { dir, broker, server } = await brokerAndServer();
    const log = captureLogger();
    const config = simAgentConfig(dir.path, broker.url);

    let agent = await startAgent(config, { log: log.logger, mqtt: { reconnectPeriodMs: 100, reconnectMaxMs: 1000 } });
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : agent.stop()));
    assert.equal(agent.permissionVersion, null);

    // Before any set: fail secure.
    const early = await badge(agent, 'office-gate', TAG_EMPLOYEE);
    assert.deepEqual([early.decision.granted, early.decision.reason], [false, 'no_permission_set']);
    assert.equal(agent.hardware.sim!.lockReleases('office-gate').length, 0);

    // The agent announces itself and asks for a set.
    const state = await server.waitFor('state', (s) => s.online === true);
    assert.deepEqual(state.doors, ['office-gate', 'lab', 'machine-room']);
    assert.deepEqual(await server.waitFor('sync'), { haveVersion: null, haveHash: null, accepts: ['acsp/1'] });

    const message = snapshot(SET);
    await server.publish('permissions', message);
    const applied = await server.waitFor('applied');
    assert.equal(applied.version, 1);
    assert.equal(applied.hash, message.hash);
    assert.equal(agent.permissionVersion, 1);

    // One allowed and one denied card.
    const allowed = await badge(agent, 'office-gate', TAG_EMPLOYEE);
    const denied = await badge(agent, 'machine-room', TAG_CONTRACTOR);
    assert.deepEqual([allowed.decision.granted, allowed.decision.reason], [true, 'granted']);
    assert.deepEqual([denied.decision.granted, denied.decision.reason], [false, 'level_ceiling']);
    const sim = agent.hardware.sim!;
    assert.equal(sim.lockReleases('office-gate').length, 1, 'the granted door released once');
    assert.equal(sim.lockReleases('machine-room').length, 0, 'the denied door never released');
    assert.ok(allowed.event.decisionMicros! >= 0 && allowed.event.decisionMicros! < 1_000_000);

    // Both events reach the server, with their reasons, once durable.
    await until(
      () => server.events().filter((e) => e.kind === 'access' && e.permissionVersion === 1).length >= 2,
      3000,
      'both access events',
    );
    const access = server.events().filter((e): e is AccessEvent => e.kind === 'access');
    const granted = access.find((e) => e.eventId === allowed.event.eventId)!;
    const refused = access.find((e) => e.eventId === denied.event.eventId)!;
    assert.deepEqual(
      [granted.granted, granted.reason, granted.doorId, granted.zoneId, granted.credential, granted.holder],
      [true, 'granted', 'office-gate', 'office', `em4100:${TAG_EMPLOYEE}`, 'Zhang Wei'],
    );
    assert.deepEqual(
      [refused.granted, refused.reason, refused.doorId, refused.zoneId],
      [false, 'level_ceiling', 'machine-room', 'machine-room'],
    );
    assert.ok(refused.seq > granted.seq);
    assert.ok((await agent.outboxSize()) >= 3, 'unacknowledged events stay in the outbox');

    // The server acknowledges them.
    const ackedSeqs = access.map((e) => e.seq);
    await server.publish('events-ack', { seqs: ackedSeqs });

    // Malformed permissions are logged and ignored; the agent keeps working.
    await server.publish('permissions', 'this is not json');
    await server.publish('permissions', { kind: 'snapshot', set: { agentId: 'agent-1' }, hash: 'nope' });
    const wrongHash = snapshot(demoPermissionSet({ version: 2 }));
    wrongHash.hash = 'f'.repeat(64);
    await server.publish('permissions', wrongHash);
    await until(() => log.find('content hash mismatch', 'ERROR').length === 1, 3000, 'the hash mismatch to be logged');
    // Compressed, but not gzip after its first bytes.
    await server.publish('permissions', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('garbage')]));
    await until(() => log.find('is unusable', 'ERROR').length === 1, 3000, 'the corrupt compressed payload to be logged');
    // The three malformed ones and the one whose content does not hash as announced.
    assert.equal(log.find('invalid permissions message ignored', 'ERROR').length, 4);
    assert.equal(agent.permissionVersion, 1);
    assert.equal(server.received('applied').length, 1, 'nothing else was confirmed');
    const stillWorking = await badge(agent, 'lab', TAG_EMPLOYEE);
    assert.equal(stillWorking.decision.reason, 'granted');

    await agent.stop();
    stopped = true;
    assert.ok(
      server.received('state').some((m) => m.payload.online === false),
      'offline state published on stop',
    );

    // Acknowledged events are gone from the outbox; the later ones are still there.
    const store = await LocalStore.open(dir.path);
    const remaining = (await store.readEvents(0, 1000)).map((e) => e.seq);
    await store.close();
    for (const seq of ackedSeqs) assert.equal(remaining.includes(seq), false, `acked seq ${seq} was deleted`);
    assert.ok(remaining.length > 0);

    // Restart with no broker at all: the persisted set decides.
    const offline = simAgentConfig(dir.path, 'mqtt://127.0.0.1:1');
    agent = await startAgent(offline, { log: captureLogger().logger, mqtt: { reconnectPeriodMs: 1000, reconnectMaxMs: 2000 } });
    stopped = false;
    assert.equal(agent.permissionVersion, 1, 'the set from the last run is in force before any server contact');
    assert.equal(agent.mqttConnected, false);
    const afterRestart = await badge(agent, 'machine-room', TAG_EMPLOYEE);
    assert.deepEqual([afterRestart.decision.granted, afterRestart.decision.reason], [true, 'granted']);
    assert.equal(agent.hardware.sim!.lockReleases('machine-room').length, 1);
    assert.ok(afterRestart.event.seq > Math.max(...remaining), 'seq keeps increasing across restarts');
    await agent.stop();
    stopped = true;
  });

  test('keeps deciding while the broker is down and delivers the queued events when it returns', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    let broker = await startBroker();
    const port = broker.port;
    let server = await FakeServer.connect(broker.url);
    const agent = await startAgent(simAgentConfig(dir.path, broker.url), {
      log: captureLogger().logger,
      mqtt: { reconnectPeriodMs: 100, reconnectMaxMs: 1000 },
    });
    onTestFinished(async () => {
      await agent.stop();
      await server.close();
      await broker.close();
    });
    await server.waitFor('sync');
    await server.publish('permissions', snapshot(SET));
    await server.waitFor('applied');

    await server.close();
    await broker.close();
    await until(() => !agent.mqttConnected, 3000, 'the agent to notice the broker is gone');

    const decisions: AgentDecision[] = [];
    for (const door of ['office-gate', 'lab', 'machine-room']) decisions.push(await badge(agent, door, TAG_EMPLOYEE));
    assert.ok(
      decisions.every((d) => d.decision.granted),
      'doors keep granting from the local set',
    );
    await agent.flushOutbox();

    broker = await startBroker(port);
    server = await FakeServer.connect(broker.url);
    await until(() => decisions.every((d) => server.events().some((e) => e.eventId === d.event.eventId)), 5000, 'the queued events');
    const ids = server.events().map((e) => e.eventId);
    assert.equal(new Set(ids).size, ids.length, 'each event published once after the reconnect');
  });

  test('applies a snapshot that arrives gzip-compressed, as the server sends large ones', async () => {
    const { dir, broker, server } = await brokerAndServer();
    const agent = await startAgent(simAgentConfig(dir.path, broker.url), { log: captureLogger().logger });
    onTestFinished(() => agent.stop());
    await server.waitFor('sync');
    await server.publish('permissions', gzipSync(JSON.stringify(snapshot(SET))));
    const applied = await server.waitFor('applied');
    assert.equal(applied.version, 1);
    assert.equal((await badge(agent, 'lab', TAG_EMPLOYEE)).decision.reason, 'granted');
  });

  test('sends unacknowledged events again after the ack timeout', async () => {
    const { dir, broker, server } = await brokerAndServer();
    const agent = await startAgent(simAgentConfig(dir.path, broker.url), { log: captureLogger().logger, mqtt: { ackTimeoutMs: 300 } });
    onTestFinished(() => agent.stop());
    await server.waitFor('sync');
    const first = await badge(agent, 'lab', TAG_EMPLOYEE);
    await until(() => server.events().filter((e) => e.eventId === first.event.eventId).length >= 2, 3000, 'a resend');
    await server.publish('events-ack', { seqs: [first.event.seq] });
    await until(async () => (await agent.outboxSize()) === 0, 3000, 'the outbox to empty');
    const count = server.events().filter((e) => e.eventId === first.event.eventId).length;
    await sleep(700);
    assert.equal(server.events().filter((e) => e.eventId === first.event.eventId).length, count, 'no resend after the ack');
  });

  test('reports a reader fault and its recovery as device events while the other readers keep deciding', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const agent = await startAgent(simAgentConfig(dir.path, 'mqtt://127.0.0.1:1'), { log: captureLogger().logger });
    onTestFinished(() => agent.stop());
    const events: any[] = [];
    agent.decisions.on('event', (e) => events.push(e));
    const sim = agent.hardware.sim!;
    sim.serialBinding.unplug('sim/lab-in');
    await until(
      () => events.some((e) => e.kind === 'device' && e.type === 'reader_fault' && e.deviceId === 'lab-in'),
      2000,
      'reader_fault',
    );
    const other = await badge(agent, 'office-gate', TAG_EMPLOYEE);
    assert.equal(other.decision.reason, 'no_permission_set', 'the other reader still decides');
    sim.serialBinding.replug('sim/lab-in');
    await until(
      () => events.some((e) => e.kind === 'device' && e.type === 'reader_recovered' && e.deviceId === 'lab-in'),
      3000,
      'reader_recovered',
    );
    const again = await badge(agent, 'lab', TAG_EMPLOYEE);
    assert.equal(again.readerId, 'lab-in');
    await agent.flushOutbox();
    assert.ok((await agent.outboxSize()) >= 4, 'device and access events are in the outbox');
  });
});
