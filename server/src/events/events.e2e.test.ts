import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { AccessEvent, EventsAck } from '@acs/shared/mqtt/payloads';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { AlertView } from '@acs/shared/api/alerts';
import type { OnSiteList } from '@acs/shared/api/reception';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { grantedAccess } from '../testing/access-events.js';
import { connectAgent, MessageLog, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

type DashboardSocket = Socket<ServerToClientEvents>;

function openSocket(url: string, token: string | undefined): Promise<DashboardSocket> {
  const socket: DashboardSocket = io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

describe('agent events over MQTT', () => {
  let t: TestServer;
  let agent: MqttClient;
  let acks: MessageLog;
  let guardSocket: DashboardSocket;
  let employeeSocket: DashboardSocket;
  const guardEvents: EventView[] = [];
  const employeeEvents: EventView[] = [];
  let zhangWei: PersonView;
  let liNa: PersonView;
  let seq = 0;

  function access(person: PersonView, overrides: Partial<AccessEvent> = {}): AccessEvent {
    seq += 1;
    return grantedAccess(person, {
      seq,
      occurredAt: Date.now() - 1000 + seq,
      doorId: 'machine-room',
      readerId: 'machine-room-in',
      zoneId: 'machine-room',
      ...overrides,
    });
  }

  async function publishEvents(events: unknown, topic = agentTopic('agent-1', 'events')): Promise<void> {
    await agent.publishAsync(topic, typeof events === 'string' ? events : JSON.stringify({ events }), { qos: 1 });
  }

  async function listAll(token: string): Promise<EventView[]> {
    return (await t.request<Page<EventView>>('GET', '/api/events?limit=500', { token })).body.items;
  }

  beforeAll(async () => {
    t = await startTestServer();
    const admin = await t.token('admin');
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    zhangWei = people.find((p) => p.name.includes('Zhang Wei'))!;
    liNa = people.find((p) => p.name.includes('Li Na'))!;
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    acks = new MessageLog(agent);
    await agent.subscribeAsync(agentTopic('agent-1', 'events-ack'), { qos: 1 });
    guardSocket = await openSocket(t.url, await t.token('guard'));
    guardSocket.on('event:v1', (e) => guardEvents.push(e));
    employeeSocket = await openSocket(t.url, await t.token('zhangwei'));
    employeeSocket.on('event:v1', (e) => employeeEvents.push(e));
  });

  afterAll(async () => {
    guardSocket?.close();
    employeeSocket?.close();
    await agent?.endAsync();
    await t?.close();
  });

  test('a batch sent twice is stored once, acknowledged both times, and pushed to the dashboard once', async () => {
    const batch = [
      access(zhangWei),
      access(liNa, { granted: false, reason: 'outside_schedule', credential: 'em4100:1234567', doorId: 'lab', zoneId: 'lab' }),
    ];
    await publishEvents(batch);
    await publishEvents(batch);
    const ackTopic = agentTopic('agent-1', 'events-ack');
    await waitFor(() => acks.on(ackTopic).length >= 2, 'two events-ack messages');
    for (const message of acks.on(ackTopic)) {
      const ack = JSON.parse(message.payload) as EventsAck;
      assert.deepEqual([...ack.seqs].sort(), batch.map((e) => e.seq).sort());
    }
    await sleep(200);
    const admin = await t.token('admin');
    const stored = (await listAll(admin)).filter((e) => batch.some((b) => b.eventId === e.eventId));
    assert.equal(stored.length, 2, 'each event id stored once');
    const denied = stored.find((e) => !e.granted)!;
    assert.equal(denied.reason, 'outside_schedule');
    assert.equal(denied.doorName, '实验室门 Lab door');
    assert.equal(denied.credentialDisplay, '0001234567');
    assert.ok(denied.receivedAt >= denied.occurredAt);
    assert.deepEqual(guardEvents.map((e) => e.eventId).sort(), batch.map((e) => e.eventId).sort(), 'the guard got each event exactly once');
  });

  test('an employee receives only their own events live and in the list', async () => {
    assert.deepEqual(
      employeeEvents.map((e) => e.personId),
      [zhangWei.id],
    );
    const mine = await listAll(await t.token('zhangwei'));
    assert.ok(mine.length >= 1);
    assert.ok(mine.every((e) => e.personId === zhangWei.id));
  });

  test('a malformed payload is logged and dropped, and the server keeps working', async () => {
    const before = (await listAll(await t.token('admin'))).length;
    await publishEvents('this is not json');
    await publishEvents(JSON.stringify({ events: [{ eventId: 'nope', agentId: 'agent-1', kind: 'access' }] }));
    await waitFor(
      () =>
        t.logs.matching(/dropped a malformed message from agent agent-1 on acs\/v1\/agents\/agent-1\/events: payload is not JSON/, 'warn')
          .length === 1,
      'the non-JSON warning',
    );
    await waitFor(
      () => t.logs.matching(/dropped a malformed message from agent agent-1 .*eventId/, 'warn').length === 1,
      'the schema warning',
    );
    const good = access(zhangWei);
    await publishEvents([good]);
    await waitFor(async () => (await listAll(await t.token('admin'))).some((e) => e.eventId === good.eventId), 'the next good event');
    assert.equal((await listAll(await t.token('admin'))).length, before + 1);
  });

  test('an event claiming another agent than its topic is refused and logged', async () => {
    const forged = access(zhangWei, { agentId: 'agent-2' });
    await publishEvents([forged]);
    await waitFor(
      () => t.logs.matching(/claims agent agent-2 but came from agent agent-1/, 'warn').length === 1,
      'the impersonation warning',
    );
    await sleep(100);
    assert.ok(!(await listAll(await t.token('admin'))).some((e) => e.eventId === forged.eventId));
  });

  test('a sequence number no outbox replay can reach is an events_missing alert at once', async () => {
    const jump = access(zhangWei, { seq: 2 ** 52 });
    await publishEvents([jump]);
    await waitFor(
      () => t.logs.matching(/agent agent-1: sequence jumped from \d+ to 4503599627370496/, 'error').length === 1,
      'the jump in the log',
    );
    const alerts = await t.request<AlertView[]>('GET', '/api/alerts', { token: await t.token('guard') });
    const missing = alerts.body.find((a) => a.type === 'events_missing' && a.agentId === 'agent-1');
    assert.ok(missing, 'an events_missing alert for agent-1');
    assert.match(missing.detail ?? '', /events \d+\.\.4503599627370495 will never arrive/);
    // The next events continue from the new number without another alert.
    seq = 2 ** 52;
    await publishEvents([access(zhangWei)]);
    await waitFor(async () => (await listAll(await t.token('admin'))).some((e) => e.seq === 2 ** 52 + 1), 'the next event stored');
  });

  test('an event for a door the agent does not drive, or that does not exist, is refused, logged and acknowledged', async () => {
    const created = await t.request('POST', '/api/doors', {
      token: await t.token('admin'),
      body: { id: 'warehouse-gate', name: 'Warehouse gate', fromZoneId: 'lobby', toZoneId: 'office', agentId: null },
    });
    assert.equal(created.status, 201, 'a door no agent drives yet');
    const foreignDoor = access(zhangWei, { doorId: 'warehouse-gate', readerId: 'warehouse-gate-in' });
    const noDoor = access(zhangWei, { doorId: 'nowhere', readerId: 'nowhere-in' });
    const ackTopic = agentTopic('agent-1', 'events-ack');
    const acked = acks.on(ackTopic).length;
    await publishEvents([foreignDoor, noDoor]);
    await waitFor(() => acks.on(ackTopic).length > acked, 'the acknowledgement');
    const ack = JSON.parse(acks.on(ackTopic).at(-1)!.payload) as EventsAck;
    assert.deepEqual([...ack.seqs].sort(), [foreignDoor.seq, noDoor.seq].sort(), 'refused for good, so the agent may drop them');
    assert.equal(t.logs.matching(/refused event .* door (warehouse-gate|nowhere) is not driven by this agent/, 'warn').length, 2);
    const all = await listAll(await t.token('admin'));
    assert.ok(!all.some((e) => e.eventId === foreignDoor.eventId || e.eventId === noDoor.eventId));
  });

  test('the holder, person and zone of an event come from the server’s records, not from what the agent wrote', async () => {
    const lying = access(liNa, {
      credential: 'em4100:3887558',
      holder: '<img src=x onerror=alert(1)>',
      personId: liNa.id,
      cardId: 'a-card-the-agent-made-up',
      doorId: 'lab',
      readerId: 'lab-in',
      zoneId: 'machine-room',
    });
    const stranger = access(zhangWei, { credential: 'em4100:424242', holder: 'Someone Important', granted: false, reason: 'unknown_card' });
    await publishEvents([lying, stranger]);
    let stored: EventView[] = [];
    await waitFor(
      async () =>
        (stored = (await listAll(await t.token('admin'))).filter((e) => e.eventId === lying.eventId || e.eventId === stranger.eventId))
          .length === 2,
      'both events',
    );
    const fromZhangsCard = stored.find((e) => e.eventId === lying.eventId)!;
    assert.equal(fromZhangsCard.holder, zhangWei.name, 'the card em4100:3887558 is Zhang Wei’s');
    assert.equal(fromZhangsCard.personId, zhangWei.id);
    assert.notEqual(fromZhangsCard.cardId, 'a-card-the-agent-made-up');
    assert.equal(fromZhangsCard.zoneId, 'lab', 'the lab door leads into the lab');
    const unknown = stored.find((e) => e.eventId === stranger.eventId)!;
    assert.deepEqual([unknown.holder, unknown.personId, unknown.cardId], [null, null, null]);
  });

  test('device times outside the window are stored at the server’s time, flagged, raise clock drift and never move presence', async () => {
    const guard = await t.token('guard');
    const onSiteBefore = (await t.request<OnSiteList>('GET', '/api/reception/on-site', { token: guard })).body;
    const wangBefore = onSiteBefore.people.find((p) => p.personId === liNa.id) ?? null;
    const claims = [0, Date.UTC(2100, 0, 1), 8.64e15];
    const batch = claims.map((occurredAt) => access(liNa, { occurredAt, doorId: 'machine-room', readerId: 'machine-room-in' }));
    const sentAt = Date.now();
    await publishEvents(batch);
    let stored: EventView[] = [];
    await waitFor(
      async () => (stored = (await listAll(await t.token('admin'))).filter((e) => batch.some((b) => b.eventId === e.eventId))).length === 3,
      'the three events',
    );
    for (const event of stored) {
      assert.ok(
        event.occurredAt >= sentAt - 1000 && event.occurredAt <= Date.now(),
        `stored at the server's time, not ${event.occurredAt}`,
      );
      assert.equal(event.occurredAt, event.receivedAt);
      assert.ok(claims.includes(event.deviceOccurredAt!), 'the device’s claim is kept aside');
    }
    await waitFor(
      async () =>
        (await t.request<AlertView[]>('GET', '/api/alerts', { token: guard })).body.some(
          (a) => a.type === 'clock_drift' && a.agentId === 'agent-1',
        ),
      'a clock_drift alert',
    );
    await sleep(100);
    const onSiteAfter = (await t.request<OnSiteList>('GET', '/api/reception/on-site', { token: guard })).body;
    assert.deepEqual(onSiteAfter.people.find((p) => p.personId === liNa.id) ?? null, wangBefore, 'presence did not move');
    // The history export formats every row, these included.
    const csv = await t.request<string>('GET', `/api/reports/access-history.csv?from=0&to=${Date.now() + 60_000}`, {
      token: await t.token('admin'),
    });
    assert.equal(csv.status, 200);
  });

  test('events page newest first with a cursor, filtered by door', async () => {
    const admin = await t.token('admin');
    const all = await listAll(admin);
    const pages: EventView[] = [];
    let next: string | null = null;
    do {
      const res: { body: Page<EventView> } = await t.request<Page<EventView>>(
        'GET',
        `/api/events?limit=2${next ? `&before=${next}` : ''}`,
        { token: admin },
      );
      pages.push(...res.body.items);
      next = res.body.next;
    } while (next);
    assert.deepEqual(
      pages.map((e) => e.eventId),
      all.map((e) => e.eventId),
    );
    for (let i = 1; i < pages.length; i++) assert.ok(pages[i - 1]!.occurredAt >= pages[i]!.occurredAt, 'newest first');
    const lab = (await t.request<Page<EventView>>('GET', '/api/events?doorId=lab', { token: admin })).body.items;
    assert.ok(lab.length >= 1 && lab.every((e) => e.doorId === 'lab'));
    assert.equal((await t.request('GET', '/api/events?before=garbage', { token: admin })).status, 400);
    assert.equal((await t.request('GET', '/api/events?limit=5000', { token: admin })).status, 400);
  });

  test('a socket.io connection without a valid session is refused', async () => {
    await assert.rejects(openSocket(t.url, undefined), /unauthorized/);
    await assert.rejects(openSocket(t.url, 'y'.repeat(43)), /unauthorized/);
  });
});
