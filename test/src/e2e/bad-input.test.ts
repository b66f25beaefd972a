import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { agentClientId, agentTopic } from '@acs/shared/mqtt/topics';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

// Bad input from the network is refused with a clear, logged error; nothing crashes,
// nothing already stored is lost, and the door keeps deciding.
describe('bad input at the server boundaries', () => {
  let system: TestSystem;
  let intruder: MqttClient;

  beforeAll(async () => {
    system = await startSystem();
    // Speaks MQTT with agent-1's own credentials, like a buggy or compromised agent would.
    intruder = await mqtt.connectAsync(system.server.server.mqttUrl, {
      clientId: `${agentClientId('agent-1')}/bad-${randomUUID().slice(0, 8)}`,
      username: 'agent-1',
      password: await system.server.demoAgentPassword(),
      reconnectPeriod: 0,
    });
  });
  afterAll(async () => {
    await intruder?.endAsync();
    await system?.close();
  });

  test('malformed MQTT payloads are logged with the topic and dropped; badges keep being recorded', async () => {
    const topic = agentTopic('agent-1', 'events');
    const logs = system.server.logs;
    const errorsBefore = logs.lines.length;
    await intruder.publishAsync(topic, 'this is not json', { qos: 1 });
    await intruder.publishAsync(topic, JSON.stringify({ events: [{ kind: 'access', eventId: 'nope' }] }), { qos: 1 });
    const forged = {
      kind: 'door',
      eventId: randomUUID(),
      agentId: 'agent-2',
      seq: 999_999,
      occurredAt: Date.now(),
      doorId: 'lab',
      type: 'opened',
    };
    await intruder.publishAsync(topic, JSON.stringify({ events: [forged] }), { qos: 1 });

    await waitFor(
      () =>
        logs.lines.slice(errorsBefore).filter((l) => /events/.test(l.message) && (l.level === 'warn' || l.level === 'error')).length >= 3,
      'three refusals in the log',
    );
    const refusals = logs.lines
      .slice(errorsBefore)
      .filter((l) => l.level === 'warn' || l.level === 'error')
      .map((l) => l.message)
      .join('\n');
    assert.match(refusals, /not JSON/);
    assert.match(refusals, /eventId/);
    assert.match(refusals, /agent-2/);

    const guard = await system.token('guard');
    assert.equal(
      (await system.events(guard)).some((e) => e.eventId === forged.eventId),
      false,
      'the forged event was not stored',
    );

    const decided: string[] = [];
    system.agent.decisions.on('decision', (d) => decided.push(d.event.eventId));
    await system.sim.badge('lab', 3887558);
    await waitFor(() => decided.length === 1, 'a decision after the bad messages');
    await waitFor(async () => (await system.events(guard)).some((e) => e.eventId === decided[0]), 'the next real event stored');
  });

  test('bad REST bodies get 400 with a readable reason and change nothing', async () => {
    const admin = await system.token('admin');
    const before = await system.api<unknown[]>(admin, 'GET', '/api/cards');

    const missing = await system.api<{ error: string; message: string[] }>(admin, 'POST', '/api/cards', { type: 'employee' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'validation_failed');
    assert.match(JSON.stringify(missing.body.message), /credential/);

    const badFormat = await system.api<{ error: string; message: string[] }>(admin, 'POST', '/api/cards', {
      credential: '12345',
      type: 'employee',
    });
    assert.equal(badFormat.status, 400);
    assert.match(JSON.stringify(badFormat.body.message), /credential/);

    const notJson = await system.server.request<{ error: string }>('POST', '/api/cards', { token: admin, rawBody: '{"credential": ' });
    assert.equal(notJson.status, 400);

    const after = await system.api<unknown[]>(admin, 'GET', '/api/cards');
    assert.equal(after.body.length, before.body.length);
  });
});
