// Agents and the server announce the protocol they speak (shared/src/mqtt/protocol.ts): the
// server refuses an agent older than it serves, with an alert saying what to do, and keeps
// working with an agent newer than itself on what both speak.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import type { AlertView } from '@acs/shared/api/alerts';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import { CURRENT_PROTOCOL, MIN_AGENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import { agentTopic, SERVER_ANNOUNCEMENT_TOPIC } from '@acs/shared/mqtt/topics';
import { AgentMessageRouter } from './agent-message-router.service.js';
import { grantedAccess } from '../testing/access-events.js';
import { connectAgent, MessageLog, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

describe('protocol versions between agents and the server', () => {
  let t: TestServer;
  let agent: MqttClient;
  let zhang: PersonView;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestServer();
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    zhang = (await t.request<PersonView[]>('GET', '/api/people', { token: await t.token('admin') })).body.find((p) =>
      p.name.includes('Zhang Wei'),
    )!;
  });
  afterAll(async () => {
    await agent?.endAsync(true);
    await t?.close();
  });

  const state = (protocol: number | undefined) =>
    agent.publishAsync(
      agentTopic('agent-1', 'state'),
      JSON.stringify({
        agentId: 'agent-1',
        online: true,
        at: Date.now(),
        softwareVersion: `test-${protocol}`,
        ...(protocol !== undefined ? { protocol } : {}),
      }),
      { qos: 1, retain: true },
    );
  const sendEvent = async () => {
    seq += 1;
    const event = grantedAccess(zhang, { seq, occurredAt: Date.now() });
    await agent.publishAsync(agentTopic('agent-1', 'events'), JSON.stringify({ events: [event] }), { qos: 1 });
    return event.eventId;
  };
  const stored = async (eventId: string) =>
    (await t.request<Page<EventView>>('GET', '/api/events?limit=500', { token: await t.token('admin') })).body.items.some(
      (e) => e.eventId === eventId,
    );

  test('the server announces, retained, the protocol it speaks and the oldest it serves', async () => {
    const inbox = new MessageLog(agent);
    await agent.subscribeAsync(SERVER_ANNOUNCEMENT_TOPIC, { qos: 1 });
    const message = await waitFor(() => inbox.on(SERVER_ANNOUNCEMENT_TOPIC)[0], 'the retained announcement');
    const announcement = JSON.parse(message.payload) as { protocol: number; minAgentProtocol: number; softwareVersion: string };
    assert.deepEqual([announcement.protocol, announcement.minAgentProtocol], [CURRENT_PROTOCOL, MIN_AGENT_PROTOCOL]);
    assert.match(announcement.softwareVersion, /^\d+\.\d+\.\d+/);
  });

  test('an agent older than the server serves is refused with an alert that says what to do; once upgraded it is served again', async () => {
    await state(0);
    const refused = await sendEvent();
    const guard = await t.token('guard');
    const alert = await waitFor(
      async () => (await t.request<AlertView[]>('GET', '/api/alerts', { token: guard })).body.find((a) => a.type === 'agent_outdated'),
      'the agent_outdated alert',
    );
    assert.equal(alert.agentId, 'agent-1');
    assert.match(alert.detail ?? '', /speaks protocol 0; this server serves 1 to \d+: upgrade the agent/);
    await waitFor(() => t.server.app.get(AgentMessageRouter).stats.outdated >= 1, 'its events refused');
    await sleep(200);
    assert.equal(await stored(refused), false, 'nothing it sent was stored');

    await state(CURRENT_PROTOCOL);
    const accepted = await sendEvent();
    await waitFor(() => stored(accepted), 'the upgraded agent served again');
  });

  test('an agent that states no protocol (older software) speaks protocol 1 and is served', async () => {
    await state(undefined);
    const eventId = await sendEvent();
    await waitFor(() => stored(eventId), 'the event of an agent stating no protocol');
  });

  test('an agent newer than the server keeps working on what both speak', async () => {
    await state(CURRENT_PROTOCOL + 5);
    const eventId = await sendEvent();
    await waitFor(() => stored(eventId), 'the newer agent served');
  });
});
