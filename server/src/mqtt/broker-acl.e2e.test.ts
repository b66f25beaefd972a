// One set of tests for both brokers the server runs with: the embedded aedes broker and
// Mosquitto configured from deploy/mosquitto (started here on an ephemeral port). Each
// agent has its own credentials and is confined to its own topics (docs/security.md#agents-and-the-broker).
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import type { PermissionsMessage } from '@acs/shared/mqtt/payloads';
import { agentClientId, agentTopic, SERVER_ANNOUNCEMENT_TOPIC } from '@acs/shared/mqtt/topics';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { AgentCredentialsService } from '../agents/agent-credentials.service.js';
import type { CreatedAgentView } from '../agents/agent.views.js';
import { mosquittoMissing, type RunningMosquitto, startMosquitto } from '../testing/mosquitto.js';
import { connectAgent, MessageLog, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

interface BrokerUnderTest {
  t: TestServer;
  url: string;
  passwords: { 'agent-a': string; 'agent-b': string };
  /** The embedded broker refuses a forbidden SUBSCRIBE outright; Mosquitto's ACL file grants it and delivers nothing. */
  refusesForbiddenSubscribe: boolean;
  close(): Promise<void>;
}

const WILDCARDS = ['acs/v1/#', 'acs/v1/agents/+/permissions', '#', 'acs/v1/agents/agent-b/#'];

/** A door agent-b drives (the server stores events only for an agent's own doors). */
const B_DOOR = 'b-door';

function doorEvent(agentId: string, seq: number) {
  return { eventId: randomUUID(), agentId, seq, occurredAt: Date.now(), kind: 'door', doorId: B_DOOR, type: 'opened' };
}

/** Publishes the agent's sync until the server answers with its permission set (the server may still be subscribing). */
async function syncUntilAnswered(agent: MqttClient, agentId: string, inbox: MessageLog): Promise<PermissionsMessage> {
  const topic = agentTopic(agentId, 'permissions');
  const answer = await waitFor(
    async () => {
      if (inbox.on(topic).length === 0) {
        await agent.publishAsync(agentTopic(agentId, 'sync'), JSON.stringify({ haveVersion: null, haveHash: null }), { qos: 1 });
        await sleep(200);
      }
      return inbox.on(topic)[0];
    },
    `${agentId}'s permission set`,
    10_000,
  );
  return JSON.parse(answer.payload) as PermissionsMessage;
}

function brokerContract(name: string, skip: string | false, start: () => Promise<BrokerUnderTest>): void {
  describeUnless(skip)(`agent confinement on the ${name}`, () => {
    let broker: BrokerUnderTest;
    let admin: string;
    const clients: MqttClient[] = [];
    const connect = async (agentId: 'agent-a' | 'agent-b', clientId?: string) => {
      const client = await connectAgent(broker.url, agentId, broker.passwords[agentId], clientId === undefined ? {} : { clientId });
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      broker = await start();
      admin = await broker.t.token('admin');
      const door = await broker.t.request('POST', '/api/doors', {
        token: admin,
        body: { id: B_DOOR, name: 'B door', fromZoneId: 'lobby', toZoneId: 'office', agentId: 'agent-b' },
      });
      assert.equal(door.status, 201);
    });
    afterAll(async () => {
      for (const c of clients) await c.endAsync(true).catch(() => undefined);
      await broker?.close();
    });

    async function storedEventIds(): Promise<string[]> {
      return (await broker.t.request<Page<EventView>>('GET', '/api/events?limit=500', { token: admin })).body.items.map((e) => e.eventId);
    }

    test('a wrong password, another agent’s password and an unknown account are refused', async () => {
      const refused = /Not authorized|Bad username or password/i;
      await assert.rejects(connectAgent(broker.url, 'agent-a', 'wrong-password-123'), refused);
      await assert.rejects(connectAgent(broker.url, 'agent-a', broker.passwords['agent-b']), refused);
      await assert.rejects(connectAgent(broker.url, 'agent-zz', broker.passwords['agent-a']), refused);
    });

    test('the server’s account does its job: it answers a sync with the permission set and acknowledges events', async () => {
      const b = await connect('agent-b');
      const inbox = new MessageLog(b);
      await b.subscribeAsync([agentTopic('agent-b', 'permissions'), agentTopic('agent-b', 'events-ack')], { qos: 1 });
      const set = await syncUntilAnswered(b, 'agent-b', inbox);
      assert.equal(set.hash, permissionSetHash(set.set));
      const event = doorEvent('agent-b', 1);
      await b.publishAsync(agentTopic('agent-b', 'events'), JSON.stringify({ events: [event] }), { qos: 1 });
      await waitFor(() => inbox.on(agentTopic('agent-b', 'events-ack')).length > 0, 'the acknowledgement', 10_000);
      await waitFor(async () => (await storedEventIds()).includes(event.eventId), 'the stored event');
    });

    test('agent A reads nothing of agent B: not B’s permission set, not through wildcards, not B’s retained state', async () => {
      const b = await connect('agent-b');
      const bInbox = new MessageLog(b);
      await b.subscribeAsync(agentTopic('agent-b', 'permissions'), { qos: 1 });
      await b.publishAsync(agentTopic('agent-b', 'state'), JSON.stringify({ agentId: 'agent-b', online: true, at: Date.now() }), {
        qos: 1,
        retain: true,
      });

      const a = await connect('agent-a');
      const aInbox = new MessageLog(a);
      for (const filter of [agentTopic('agent-b', 'permissions'), ...WILDCARDS]) {
        const refused = await a.subscribeAsync(filter, { qos: 1 }).then(
          (granted) => granted.every((g) => g.qos === 128),
          () => true,
        );
        if (broker.refusesForbiddenSubscribe) assert.ok(refused, `${filter} is refused`);
      }
      // The server publishes B's set while A is subscribed (or tried to be) to everything.
      await syncUntilAnswered(b, 'agent-b', bInbox);
      await sleep(300);
      // The server's announcement of its versions is for every agent to read.
      const leaked = aInbox.messages.filter((m) => !m.topic.startsWith('acs/v1/agents/agent-a/') && m.topic !== SERVER_ANNOUNCEMENT_TOPIC);
      assert.deepEqual(
        leaked.map((m) => m.topic),
        [],
        'A received nothing of B',
      );
    });

    test('agent A cannot publish events as B, nor a permission set for itself', async () => {
      const a = await connect('agent-a');
      const forged = doorEvent('agent-b', 99);
      a.publish(agentTopic('agent-b', 'events'), JSON.stringify({ events: [forged] }), { qos: 1 });
      await sleep(500);
      assert.ok(!(await storedEventIds()).includes(forged.eventId), 'the forged event was not stored');

      // A fresh connection (the embedded broker cut the first one off) listens to its own
      // permission topic and tries to feed itself a set of its own making.
      const again = await connect('agent-a');
      const inbox = new MessageLog(again);
      await again.subscribeAsync(agentTopic('agent-a', 'permissions'), { qos: 1 });
      again.publish(agentTopic('agent-a', 'permissions'), JSON.stringify({ version: 999_999, hash: 'f'.repeat(64), set: {} }), { qos: 1 });
      await sleep(500);
      assert.ok(!inbox.messages.some((m) => m.payload.includes('999999')), 'the forged set never reached the topic');
    });

    test('agent A cannot take over agent B’s connection by using B’s client id', async () => {
      const b = await connect('agent-b', agentClientId('agent-b'));
      let bClosed = false;
      b.on('close', () => (bClosed = true));
      const takeover = await connectAgent(broker.url, 'agent-a', broker.passwords['agent-a'], { clientId: agentClientId('agent-b') }).then(
        (client) => {
          clients.push(client);
          return 'connected';
        },
        () => 'refused',
      );
      await sleep(300);
      assert.equal(bClosed, false, `B keeps its connection (the impostor was ${takeover})`);
      assert.ok(b.connected);
    });
  });
}

brokerContract('embedded broker', false, async () => {
  const t = await startTestServer();
  const admin = await t.token('admin');
  const passwords = { 'agent-a': '', 'agent-b': '' };
  for (const id of ['agent-a', 'agent-b'] as const) {
    const created = await t.request<CreatedAgentView>('POST', '/api/agents', { token: admin, body: { id } });
    assert.equal(created.status, 201);
    passwords[id] = created.body.mqttPassword;
  }
  return { t, url: t.server.mqttUrl, passwords, refusesForbiddenSubscribe: true, close: () => t.close() };
});

brokerContract('Mosquitto with the deployment’s configuration', mosquittoMissing(), async () => {
  const secret = () => randomBytes(18).toString('base64url');
  const passwords = { 'agent-a': secret(), 'agent-b': secret() };
  const serverPassword = secret();
  let mosquitto: RunningMosquitto | null = await startMosquitto({ 'acs-server': serverPassword, ...passwords });
  try {
    const t = await startTestServer({ mqttUrl: mosquitto.serverUrl, mqttUsername: 'acs-server', mqttPassword: serverPassword });
    const credentials = t.server.app.get(AgentCredentialsService);
    for (const id of ['agent-a', 'agent-b'] as const) await credentials.create(id, id, passwords[id]);
    const running = mosquitto;
    mosquitto = null;
    return {
      t,
      url: running.url,
      passwords,
      refusesForbiddenSubscribe: false,
      async close() {
        await t.close();
        await running.stop();
      },
    };
  } finally {
    await mosquitto?.stop();
  }
});
