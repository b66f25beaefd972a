import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import type { AgentView } from '@acs/shared/api/agents';
import { type PermissionsChannelMessage, type PermissionsMessage } from '@acs/shared/mqtt/payloads';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

// A server restored from a backup is at an older permission version than its agents hold.
describe('an agent ahead of a restored server', () => {
  let t: TestServer;
  let admin: string;
  let agent: MqttClient;
  let inbox: MessageLog;
  const permissionsTopic = agentTopic('agent-1', 'permissions');

  const snapshots = (): PermissionsMessage[] =>
    inbox
      .on(permissionsTopic)
      .map((m) => JSON.parse(m.payload) as PermissionsChannelMessage)
      .filter((m): m is PermissionsMessage => m.kind === 'snapshot');
  const agentView = async (): Promise<AgentView> =>
    (await t.request<AgentView[]>('GET', '/api/agents', { token: admin })).body.find((a) => a.id === 'agent-1')!;
  const publish = (channel: 'state' | 'sync' | 'applied', payload: unknown, retain = false) =>
    agent.publishAsync(agentTopic('agent-1', channel), JSON.stringify(payload), { qos: 1, retain });

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.token('admin');
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    inbox = new MessageLog(agent);
    await agent.subscribeAsync(permissionsTopic, { qos: 1 });
    await publish('state', { agentId: 'agent-1', online: true, at: Date.now(), softwareVersion: '0.1.0' }, true);
    await waitFor(async () => (await agentView()).online, 'agent-1 online');
  });

  afterAll(async () => {
    await agent?.endAsync();
    await t?.close();
  });

  test("an agent holding version N+10 of a server at N is sent a newer set and ends up confirming the server's current version", async () => {
    const serverVersion = (await agentView()).targetVersion;
    const held = serverVersion + 10;
    await publish('sync', { haveVersion: held, haveHash: 'a'.repeat(64) });
    const snapshot = await waitFor(() => snapshots().find((s) => s.set.version > held), 'a snapshot newer than the held version');
    assert.equal(snapshot.hash, permissionSetHash(snapshot.set));
    await publish('applied', { version: snapshot.set.version, hash: snapshot.hash, appliedAt: Date.now() });
    const view = await waitFor(async () => {
      const v = await agentView();
      return v.appliedVersion === snapshot.set.version ? v : null;
    }, 'the confirmation');
    assert.equal(view.targetVersion, snapshot.set.version, "the confirmed version is the server's current one");
    assert.equal(view.hashMatches, true);
    assert.equal(t.logs.matching(/holds permission version \d+, newer than the server's/, 'warn').length, 1);
  });
});
