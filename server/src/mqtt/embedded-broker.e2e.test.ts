import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import { agentClientId, agentTopic } from '@acs/shared/mqtt/topics';
import type { AlertView } from '@acs/shared/api/alerts';
import type { CreatedAgentView } from '../agents/agent.views.js';
import { connectAgent, MessageLog, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { SERVER_MQTT_USERNAME } from './embedded-broker.service.js';

describe('embedded broker access control', () => {
  let t: TestServer;
  let a: MqttClient;
  let b: MqttClient;
  let bPassword: string;
  let bInbox: MessageLog;
  let aInbox: MessageLog;

  beforeAll(async () => {
    t = await startTestServer();
    const admin = await t.token('admin');
    const created = await t.request<CreatedAgentView>('POST', '/api/agents', { token: admin, body: { id: 'agent-2', name: 'Second' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.agent.id, 'agent-2');
    bPassword = created.body.mqttPassword;
    a = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    b = await connectAgent(t.server.mqttUrl, 'agent-2', bPassword);
    aInbox = new MessageLog(a);
    bInbox = new MessageLog(b);
  });

  afterAll(async () => {
    await a?.endAsync(true);
    await b?.endAsync(true);
    await t?.close();
  });

  test('an agent subscribes to its own topics, not to another agent’s permission set nor to wildcards', async () => {
    const own = await b.subscribeAsync(agentTopic('agent-2', 'permissions'), { qos: 1 });
    assert.equal(own[0]!.qos, 1);
    // The broker answers SUBACK 0x80 (failure), which mqtt.js turns into a rejection.
    await assert.rejects(a.subscribeAsync(agentTopic('agent-2', 'permissions'), { qos: 1 }), /Subscribe error/);
    await assert.rejects(a.subscribeAsync('acs/v1/#', { qos: 1 }), /Subscribe error/);
    await b.publishAsync(agentTopic('agent-2', 'sync'), JSON.stringify({ haveVersion: null, haveHash: null }), { qos: 1 });
    await waitFor(() => bInbox.on(agentTopic('agent-2', 'permissions')).length === 1, 'agent-2 permission set');
    await sleep(100);
    assert.equal(aInbox.messages.length, 0, 'agent-1 read nothing of agent-2');
    assert.ok(t.logs.matching(/refused subscription to acs\/v1\/agents\/agent-2\/permissions by agent agent-1/, 'warn').length === 1);
  });

  test('an agent cannot publish events as another agent: the publish is refused and the client cut off', async () => {
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    const event = {
      eventId: randomUUID(),
      agentId: 'agent-2',
      seq: 1,
      occurredAt: Date.now(),
      kind: 'door',
      doorId: 'lab',
      type: 'opened',
    };
    a.publish(agentTopic('agent-2', 'events'), JSON.stringify({ events: [event] }), { qos: 1 });
    await closed;
    await sleep(100);
    const admin = await t.token('admin');
    const events = (await t.request<Page<EventView>>('GET', '/api/events', { token: admin })).body.items;
    assert.ok(!events.some((e) => e.eventId === event.eventId));
    assert.ok(t.logs.matching(/refused publish to acs\/v1\/agents\/agent-2\/events by agent agent-1/, 'warn').length === 1);
    assert.ok(b.connected, 'agent-2 is unaffected');
  });

  test('a wrong password, an unknown agent and a forged server identity are refused', async () => {
    await assert.rejects(connectAgent(t.server.mqttUrl, 'agent-2', 'wrong-password'), /Bad username or password|Not authorized/i);
    await assert.rejects(connectAgent(t.server.mqttUrl, 'agent-77', bPassword), /Bad username or password|Not authorized/i);
    await assert.rejects(
      connectAgent(t.server.mqttUrl, SERVER_MQTT_USERNAME, 'guess', { clientId: 'acs-server' }),
      /Bad username or password|Not authorized/i,
    );
    assert.ok(t.logs.matching(/refused agent agent-2 .*wrong password/, 'warn').length >= 1);
  });

  test('an agent cannot take over another agent’s client id or the server’s', async () => {
    const password = await t.demoAgentPassword();
    await assert.rejects(connectAgent(t.server.mqttUrl, 'agent-1', password, { clientId: 'agent-2' }), /Identifier rejected|client id/i);
    await assert.rejects(connectAgent(t.server.mqttUrl, 'agent-1', password, { clientId: 'acs-server' }), /Identifier rejected|client id/i);
    assert.ok(b.connected, 'agent-2 keeps its session');
  });
});

describe('client ids follow the identity the broker authenticated', () => {
  let t: TestServer;

  beforeAll(async () => {
    // A fresh server is what a restarted one looks like to the broker: nothing remembered.
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  test('another agent connecting first with an agent’s client id is refused, the real agent gets in, and each refusal is an alert', async () => {
    const admin = await t.token('admin');
    const created = await t.request<CreatedAgentView>('POST', '/api/agents', { token: admin, body: { id: 'agent-2', name: 'Second' } });
    assert.equal(created.status, 201);
    await assert.rejects(
      connectAgent(t.server.mqttUrl, 'agent-2', created.body.mqttPassword, { clientId: agentClientId('agent-1') }),
      /Identifier rejected/,
    );
    await assert.rejects(connectAgent(t.server.mqttUrl, 'agent-2', 'not-its-password'), /Bad username or password|Not authorized/);
    const real = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    assert.ok(real.connected, 'agent-1 connects with its own client id');
    // The same identity may open a second, suffixed connection (a diagnostic tool) without displacing the agent.
    const tool = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword(), {
      clientId: `${agentClientId('agent-1')}/doctor`,
    });
    await sleep(100);
    assert.ok(real.connected && tool.connected);
    await tool.endAsync(true);
    await real.endAsync(true);

    const guard = await t.token('guard');
    const refused = await waitFor(async () => {
      const alerts = (await t.request<AlertView[]>('GET', '/api/alerts', { token: guard })).body.filter((a) => a.type === 'agent_refused');
      return alerts.length === 1 && alerts[0]!.count === 2 ? alerts[0] : undefined;
    }, 'one agent_refused alert counting both refusals of agent-2');
    assert.match(refused.detail ?? '', /agent-2 .*wrong password/);
    assert.equal(t.logs.matching(/refused agent agent-2: client id acs-agent-agent-1 is not its own/, 'warn').length, 1);
  });
});
