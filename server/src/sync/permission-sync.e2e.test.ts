import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { io, type Socket } from 'socket.io-client';
import type { AgentView } from '@acs/shared/api/agents';
import type { CardView } from '@acs/shared/api/cards';
import type { PersonView } from '@acs/shared/api/people';
import { type PermissionsChannelMessage, type PermissionsMessage, permissionsMessageSchema } from '@acs/shared/mqtt/payloads';
import { foldPermissions, type HeldSet } from '../testing/permission-fold.js';
import { agentTopic } from '@acs/shared/mqtt/topics';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { documentToMessage, PartAssembler, WIRE_FORMAT } from '@acs/shared/sync/permission-wire';
import { connectAgent, MessageLog, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { PermissionCompiler } from './permission-compiler.js';
import { PermissionDeliveryEntity } from './permission-delivery.entity.js';

describe('permission sync', () => {
  let t: TestServer;
  let admin: string;
  let agent: MqttClient;
  let inbox: MessageLog;
  let dashboard: Socket<ServerToClientEvents>;
  const agentUpdates: AgentView[] = [];
  const permissionsTopic = agentTopic('agent-1', 'permissions');

  const messages = (): PermissionsChannelMessage[] =>
    inbox.on(permissionsTopic).map((m) => JSON.parse(m.payload) as PermissionsChannelMessage);
  const snapshots = (): PermissionsMessage[] => messages().filter((m): m is PermissionsMessage => m.kind === 'snapshot');
  /** What the agent holds after every snapshot and delta so far. */
  const latest = (): HeldSet => foldPermissions(messages())!;
  const agentView = async (): Promise<AgentView> =>
    (await t.request<AgentView[]>('GET', '/api/agents', { token: admin })).body.find((a) => a.id === 'agent-1')!;

  async function publish(channel: 'state' | 'sync' | 'applied', payload: unknown, retain = false): Promise<void> {
    await agent.publishAsync(agentTopic('agent-1', channel), JSON.stringify(payload), { qos: 1, retain });
  }

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.token('admin');
    dashboard = io(t.url, { auth: { token: admin }, transports: ['websocket'], reconnection: false, forceNew: true });
    dashboard.on('agent:v1', (a) => agentUpdates.push(a));
    await new Promise<void>((resolve, reject) => {
      dashboard.once('connect', () => resolve());
      dashboard.once('connect_error', reject);
    });
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    inbox = new MessageLog(agent);
    await agent.subscribeAsync(permissionsTopic, { qos: 1 });
  });

  afterAll(async () => {
    dashboard?.close();
    await agent?.endAsync();
    await t?.close();
  });

  test('an agent coming online is shown online on the dashboard', async () => {
    await publish('state', { agentId: 'agent-1', online: true, at: Date.now(), softwareVersion: '0.1.0' }, true);
    await waitFor(async () => (await agentView()).online, 'agent-1 online');
    await waitFor(() => agentUpdates.some((a) => a.id === 'agent-1' && a.online), 'an agent:v1 push');
  });

  test('a sync request with no version gets the current snapshot, whose hash is permissionSetHash of its set', async () => {
    await publish('sync', { haveVersion: null, haveHash: null });
    const message = await waitFor(() => snapshots()[0], 'a snapshot');
    const parsed = permissionsMessageSchema.safeParse(message);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    const { set, hash } = message;
    assert.equal(hash, permissionSetHash(set));
    assert.equal(set.agentId, 'agent-1');
    assert.equal(set.version, (await agentView()).targetVersion);
    assert.equal(set.site.timeZone, 'Asia/Shanghai');
    assert.deepEqual(set.cardTypeCeilings, { employee: 3, contractor: 2, temporary: 2, visitor: 2 });
    assert.deepEqual(set.doors.map((d) => d.id).sort(), ['lab', 'machine-room', 'office-gate']);
    assert.deepEqual(set.zones.map((z) => `${z.id}:L${z.level}`).sort(), ['lab:L2', 'lobby:L0', 'machine-room:L3', 'office:L1']);
    assert.deepEqual(set.schedules.map((s) => s.id).sort(), ['always', 'business-hours']);
    const byCredential = new Map(set.cards.map((c) => [c.credential, c]));
    assert.equal(set.cards.length, 5);
    assert.deepEqual(
      byCredential
        .get('em4100:7654321')!
        .grants.map((g) => g.zoneId)
        .sort(),
      ['machine-room', 'office'],
    );
    assert.equal(byCredential.get('em4100:7654321')!.type, 'contractor');
    assert.equal(byCredential.get('em4100:9990001')!.status, 'suspended');
    assert.equal(byCredential.get('em4100:5550001')!.holder, '访客 Visitor 01');
    assert.deepEqual(
      byCredential.get('em4100:1234567')!.grants.map((g) => g.scheduleId),
      ['business-hours', 'business-hours'],
    );
  });

  test('"applied" updates the agent view and the delivery record', async () => {
    const { set, hash } = latest();
    await publish('applied', { version: set.version, hash, appliedAt: Date.now() });
    const view = await waitFor(async () => {
      const v = await agentView();
      return v.appliedVersion === set.version ? v : null;
    }, 'the applied version');
    assert.equal(view.hashMatches, true);
    assert.ok(agentUpdates.some((a) => a.appliedVersion === set.version && a.hashMatches === true));
    const delivery = await t.server.app
      .get(DataSource)
      .getRepository(PermissionDeliveryEntity)
      .findOneByOrFail({ agentId: 'agent-1', version: set.version });
    assert.equal(delivery.compiledHash, hash);
    assert.ok(delivery.sentAt !== null && delivery.confirmedAt !== null && delivery.confirmedAt >= delivery.sentAt);
    assert.equal(delivery.hashMatches, true);
  });

  test('an agent that holds the current version and hash is not sent it again', async () => {
    const count = snapshots().length;
    const { set, hash } = latest();
    await publish('sync', { haveVersion: set.version, haveHash: hash });
    await sleep(300);
    assert.equal(snapshots().length, count);
  });

  test('revoking a card raises the version and pushes a delta at once with the card revoked, hashing like the whole set', async () => {
    const before = latest().set.version;
    const count = messages().length;
    const cards = (await t.request<CardView[]>('GET', '/api/cards', { token: admin })).body;
    const card = cards.find((c) => c.credential === 'em4100:3887558')!;
    const started = Date.now();
    assert.equal((await t.request('PATCH', `/api/cards/${card.id}`, { token: admin, body: { status: 'revoked' } })).status, 200);
    const pushed = await waitFor(() => (latest().set.version > before ? latest() : null), 'a delta');
    assert.ok(Date.now() - started < 1000, 'pushed within a second');
    assert.equal(pushed.kind, 'delta');
    const delta = messages()[count]!;
    assert.ok(delta.kind === 'delta' && delta.upserts.length === 1 && delta.removals.length === 0, 'only the revoked card travels');
    assert.equal(pushed.set.version, before + 1);
    assert.equal(pushed.hash, permissionSetHash(pushed.set), 'the announced hash is the hash of the whole resulting set');
    assert.equal(pushed.set.cards.find((c) => c.credential === 'em4100:3887558')!.status, 'revoked');
  });

  test('a burst of card changes goes out as one small delta per change, each on top of the one before', async () => {
    const count = messages().length;
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const visitor = people.find((p) => p.kind === 'visitor')!;
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await t.request('PATCH', `/api/people/${visitor.id}`, { token: admin, body: { name: `访客 Visitor 0${i + 2}` } })).status,
        200,
      );
    }
    const target = (await agentView()).targetVersion;
    await waitFor(() => latest().set.version === target, 'the final version');
    await sleep(150);
    const pushed = messages().slice(count);
    assert.equal(pushed.length, 5, `${pushed.length} messages for 5 changes`);
    assert.ok(
      pushed.every((m) => m.kind === 'delta' && m.upserts.length === 1),
      'each a delta of the one card',
    );
    assert.equal(latest().hash, permissionSetHash(latest().set));
    assert.equal(latest().set.cards.find((c) => c.credential === 'em4100:5550001')!.holder, '访客 Visitor 06');
  });

  test('marking a person departed revokes their cards and grants at once and pushes it', async () => {
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const liNa = people.find((p) => p.name.includes('Li Na'))!;
    const before = latest().set.version;
    const res = await t.request<PersonView>('PATCH', `/api/people/${liNa.id}`, { token: admin, body: { status: 'departed' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'departed');
    assert.deepEqual((await t.request('GET', `/api/grants?personId=${liNa.id}`, { token: admin })).body, []);
    const cards = (await t.request<CardView[]>('GET', '/api/cards', { token: admin })).body.filter((c) => c.personId === liNa.id);
    assert.ok(cards.length > 0 && cards.every((c) => c.status === 'revoked'));
    const pushed = await waitFor(() => (latest().set.version > before ? latest() : null), 'a snapshot after the departure');
    const card = pushed.set.cards.find((c) => c.credential === 'em4100:1234567')!;
    assert.equal(card.status, 'revoked');
    assert.deepEqual(card.grants, []);
    assert.equal((await t.request('POST', '/api/grants', { token: admin, body: { personId: liNa.id, zoneId: 'office' } })).status, 409);
  });

  test('a confirmation with a different hash is recorded as not matching', async () => {
    const { set } = latest();
    await publish('applied', { version: set.version, hash: 'f'.repeat(64), appliedAt: Date.now() });
    const view = await waitFor(async () => {
      const v = await agentView();
      return v.appliedVersion === set.version && v.hashMatches === false ? v : null;
    }, 'hashMatches false');
    assert.equal(view.hashMatches, false);
    assert.ok(t.logs.matching(/applied version \d+ with hash f{64}, but the server compiled/, 'warn').length === 1);
  });

  test('an offline agent (last will) gets no pushes; it asks on reconnect', async () => {
    await publish('state', { agentId: 'agent-1', online: false, at: Date.now() }, true);
    await waitFor(async () => !(await agentView()).online, 'agent-1 offline');
    const count = snapshots().length;
    assert.equal(
      (await t.request('POST', '/api/zones', { token: admin, body: { id: 'roof', name: 'Roof', level: 1, parentId: 'lobby' } })).status,
      201,
    );
    await sleep(300);
    assert.equal(snapshots().length, count);
    await publish('sync', { haveVersion: latest().set.version, haveHash: latest().hash });
    await waitFor(() => snapshots().length > count, 'a snapshot for the returning agent');
  });

  /** Asks for a snapshot as an agent that reads binary sets and assembles its parts from `raw`. */
  async function binarySnapshot(raw: Buffer[]) {
    await publish('sync', { haveVersion: null, haveHash: null, accepts: [WIRE_FORMAT] });
    const assembler = new PartAssembler();
    const document = await waitFor(() => {
      let joined: Uint8Array[] | null = null;
      for (const payload of raw.splice(0)) joined = assembler.add(payload) ?? joined;
      return joined;
    }, 'a binary snapshot');
    return documentToMessage(Buffer.concat(document));
  }

  test('an agent that says it reads binary sets gets its snapshot in binary parts; one that does not (older agents) keeps getting JSON', async () => {
    const raw: Buffer[] = [];
    const listener = (topic: string, payload: Buffer) => {
      if (topic === permissionsTopic) raw.push(payload);
    };
    agent.on('message', listener);
    try {
      const message = await binarySnapshot(raw);
      assert.equal(message.hash, permissionSetHash(message.set));
      assert.equal(message.set.version, (await agentView()).targetVersion);
      assert.equal(message.set.cards.find((c) => c.credential === 'em4100:3887558')?.status, 'revoked');

      await publish('sync', { haveVersion: null, haveHash: null });
      const json = await waitFor(() => raw[0], 'a JSON snapshot');
      assert.ok(permissionsMessageSchema.safeParse(JSON.parse(json.toString('utf8'))).success);
      assert.equal(t.logs.matching(/reads only JSON permission sets .* upgrade it/, 'warn').length, 1);
    } finally {
      agent.off('message', listener);
    }
  });

  test('a schedule edit reaches an agent that reads binary sets as its new header alone, with the hash of the whole set', async () => {
    await publish('state', { agentId: 'agent-1', online: true, at: Date.now() }, true);
    await waitFor(async () => (await agentView()).online, 'agent-1 online again');
    const raw: Buffer[] = [];
    const listener = (topic: string, payload: Buffer) => {
      if (topic === permissionsTopic) raw.push(payload);
    };
    agent.on('message', listener);
    try {
      const held = await binarySnapshot(raw);

      const scheduleId = held.set.schedules[0]!.id;
      const edit = await t.request('PATCH', `/api/schedules/${scheduleId}`, {
        token: admin,
        body: { windows: [{ days: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' }] },
      });
      assert.equal(edit.status, 200);
      const payload = await waitFor(() => raw[0], 'the structural change');
      assert.ok(payload.length < 8192, `${payload.length} bytes`);
      const message = JSON.parse(payload.toString('utf8')) as PermissionsChannelMessage;
      assert.equal(message.kind, 'structure');
      const folded = foldPermissions([held, message])!;
      assert.equal(folded.hash, permissionSetHash(folded.set), 'the header over the cards held hashes as announced');
      assert.deepEqual(folded.set.schedules.find((s) => s.id === scheduleId)?.windows, [
        { days: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' },
      ]);
      assert.equal(folded.set.version, (await agentView()).targetVersion);
    } finally {
      agent.off('message', listener);
    }
  });

  test('agents of one group asking at once share one compilation and one encoding of their cards', async () => {
    const compiler = t.server.app.get(PermissionCompiler);
    const source = await compiler.loadSource();
    const sets = await Promise.all(Array.from({ length: 50 }, () => compiler.compileFor(source, 'agent-1', Date.now())));
    assert.ok(
      sets.every((s) => s.cards === sets[0]!.cards),
      'one compiled card list for the group',
    );
    const encoded = sets.map((s) => compiler.encodedCards(s.cards));
    assert.ok(
      encoded.every((e) => e === encoded[0]),
      'one encoding for the group',
    );
    assert.equal(sets[0]!.hash, permissionSetHash(sets[0]!.set));
  });
});
