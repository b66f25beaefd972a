import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { ENTITIES } from '../entities.js';
import { DataSource } from 'typeorm';
import type { CardView } from '@acs/shared/api/cards';
import type { EventView } from '@acs/shared/api/events';
import type { ApiError, Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { AccessEvent, PermissionsMessage } from '@acs/shared/mqtt/payloads';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { grantedAccess } from '../testing/access-events.js';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;
const skip = postgresUrl
  ? false
  : 'set ACS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the server on PostgreSQL';

describeUnless(skip)('the server on PostgreSQL', () => {
  const schema = `acs_e2e_${randomBytes(6).toString('hex')}`;
  let t: TestServer;
  let admin: string;

  beforeAll(async () => {
    t = await startTestServer({ db: 'postgres', databaseUrl: postgresUrl!, dbSchema: schema });
    admin = await t.token('admin');
  });

  afterAll(async () => {
    await t?.close();
    const ds = new DataSource({ type: 'postgres', url: postgresUrl! });
    await ds.initialize();
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  test('seeds the demo site and answers the API from the configured schema', async () => {
    const cards = await t.request<CardView[]>('GET', '/api/cards', { token: admin });
    assert.equal(cards.status, 200);
    assert.equal(cards.body.length, 5);
    const zhang = cards.body.find((c) => c.credential === 'em4100:3887558')!;
    assert.equal(zhang.holder, '张伟 Zhang Wei');
    assert.equal(zhang.display, '0003887558');
    const tables: Array<{ n: string }> = await t.server.app
      .get(DataSource)
      .query('SELECT count(*)::text AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
    assert.equal(Number(tables[0]!.n), ENTITIES.length + 2, 'every entity table, the migrations table and the socket.io adapter table');
  });

  test('the live-card unique index gives 409 and a revoked card frees the credential', async () => {
    const first = await t.request<CardView>('POST', '/api/cards', {
      token: admin,
      body: { credential: 'uid:04a1b2c3', type: 'temporary' },
    });
    assert.equal(first.status, 201);
    assert.equal(
      (await t.request<ApiError>('POST', '/api/cards', { token: admin, body: { credential: 'uid:04a1b2c3', type: 'temporary' } })).status,
      409,
    );
    assert.equal((await t.request('PATCH', `/api/cards/${first.body.id}`, { token: admin, body: { status: 'destroyed' } })).status, 200);
    assert.equal(
      (await t.request('POST', '/api/cards', { token: admin, body: { credential: 'uid:04a1b2c3', type: 'temporary' } })).status,
      201,
    );
  });

  test('events are stored once (ON CONFLICT DO NOTHING), paged, and the departure transaction commits', async () => {
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const person = people.find((p) => p.name.includes('Zhang Wei'))!;
    const agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    try {
      const inbox = new MessageLog(agent);
      await agent.subscribeAsync([agentTopic('agent-1', 'events-ack'), agentTopic('agent-1', 'permissions')], { qos: 1 });
      const events: AccessEvent[] = [1, 2, 3].map((seq) =>
        grantedAccess(person, { seq, occurredAt: Date.now() + seq, doorId: 'office-gate', readerId: 'office-gate-in', zoneId: 'office' }),
      );
      await agent.publishAsync(agentTopic('agent-1', 'events'), JSON.stringify({ events }), { qos: 1 });
      await agent.publishAsync(agentTopic('agent-1', 'events'), JSON.stringify({ events }), { qos: 1 });
      await waitFor(() => inbox.on(agentTopic('agent-1', 'events-ack')).length === 2, 'two acks');
      const first = (await t.request<Page<EventView>>('GET', '/api/events?limit=2', { token: admin })).body;
      assert.equal(first.items.length, 2);
      assert.equal(first.items[0]!.seq, 3);
      assert.equal(typeof first.items[0]!.occurredAt, 'number');
      const second = (await t.request<Page<EventView>>('GET', `/api/events?limit=2&before=${first.next}`, { token: admin })).body;
      assert.deepEqual(
        second.items.map((e) => e.seq),
        [1],
      );
      assert.equal(second.next, null);

      await agent.publishAsync(agentTopic('agent-1', 'sync'), JSON.stringify({ haveVersion: null, haveHash: null }), { qos: 1 });
      const snapshot = await waitFor(() => inbox.on(agentTopic('agent-1', 'permissions'))[0], 'a snapshot');
      const message = JSON.parse(snapshot.payload) as PermissionsMessage;
      assert.equal(message.hash, permissionSetHash(message.set));

      const departed = await t.request<PersonView>('PATCH', `/api/people/${person.id}`, { token: admin, body: { status: 'departed' } });
      assert.equal(departed.status, 200);
      const cards = (await t.request<CardView[]>('GET', '/api/cards', { token: admin })).body.filter((c) => c.personId === person.id);
      assert.ok(cards.length > 0 && cards.every((c) => c.status === 'revoked'));
    } finally {
      await agent.endAsync();
    }
  });
});
