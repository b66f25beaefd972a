import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { AlertView } from '@acs/shared/api/alerts';
import type { OnSiteList, PoolCardView, VisitView, WatchlistEntryView } from '@acs/shared/api/reception';
import type { PersonView } from '@acs/shared/api/people';
import type { AgentEvent, PermissionsChannelMessage } from '@acs/shared/mqtt/payloads';
import { agentTopic } from '@acs/shared/mqtt/topics';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { AlertsService } from '../alerts/alerts.service.js';
import { EventsService } from '../events/events.service.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { foldPermissions } from '../testing/permission-fold.js';
import { pngImage } from '../testing/sample-files.js';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { PresenceService } from './presence.service.js';
import { VisitEntity } from './visit.entity.js';
import { VisitSweeperService } from './visit-sweeper.service.js';

const HOUR = 3_600_000;

describe('reception: visits from registration to sign-out', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let guard: string;
  let host: string;
  let other: string;
  let hostId: string;
  let otherId: string;
  let agent: MqttClient;
  let inbox: MessageLog;
  let hostSocket: Socket<ServerToClientEvents>;
  let guardSocket: Socket<ServerToClientEvents>;
  const hostSaw: VisitView[] = [];
  const guardSaw: VisitView[] = [];
  const permissionsTopic = agentTopic('agent-1', 'permissions');
  const held = () => foldPermissions(inbox.on(permissionsTopic).map((m) => JSON.parse(m.payload) as PermissionsChannelMessage));
  const heldCard = (credential: string) => held()?.set.cards.find((c) => c.credential === credential);

  const walkIn = (overrides: Record<string, unknown> = {}) => ({
    visitorName: 'Chen Jie 陈杰',
    visitorCompany: 'Acme 供应商',
    visitorPhone: '+86 138 0000 0000',
    hostPersonId: hostId,
    purpose: 'Supplier meeting',
    zoneIds: ['office'],
    windowEnd: Date.now() + 4 * HOUR,
    ...overrides,
  });
  const identity = { idDocumentType: 'resident_id', idNumber: '110101199003071234' };

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    admin = await t.token('admin');
    guard = await t.token('guard');
    host = await t.token('zhangwei');
    other = await t.token('lina');
    const people = await api.ok<PersonView[]>('GET', '/api/people', admin);
    hostId = people.find((p) => p.name.includes('Zhang Wei'))!.id;
    otherId = people.find((p) => p.name.includes('Li Na'))!.id;
    hostSocket = io(t.url, { auth: { token: host }, transports: ['websocket'], reconnection: false, forceNew: true });
    guardSocket = io(t.url, { auth: { token: guard }, transports: ['websocket'], reconnection: false, forceNew: true });
    hostSocket.on('visit:v1', (v) => hostSaw.push(v));
    guardSocket.on('visit:v1', (v) => guardSaw.push(v));
    await waitFor(() => hostSocket.connected && guardSocket.connected, 'sockets');
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    inbox = new MessageLog(agent);
    await agent.subscribeAsync(permissionsTopic, { qos: 1 });
    await agent.publishAsync(agentTopic('agent-1', 'sync'), JSON.stringify({ haveVersion: null, haveHash: null }), { qos: 1 });
    await waitFor(() => held(), 'the first snapshot');
    for (const [cardNumber, label] of [
      ['0008000001', 'T-01'],
      ['0008000002', 'T-02'],
      ['0008000003', 'T-03'],
    ]) {
      await api.ok<PoolCardView>('POST', '/api/reception/pool', admin, { cardNumber, label });
    }
  });

  afterAll(async () => {
    hostSocket?.close();
    guardSocket?.close();
    await agent?.endAsync();
    await t?.close();
  });

  test('walk-in: the host is told live, approves, and the guard sees the approval', async () => {
    const visit = await api.ok<VisitView>('POST', '/api/visits/walk-in', guard, walkIn({ escortPersonIds: [otherId] }));
    assert.equal(visit.status, 'awaiting_host');
    assert.equal(visit.hostName.includes('Zhang Wei'), true);
    await waitFor(() => hostSaw.find((v) => v.id === visit.id && v.status === 'awaiting_host'), 'the host notified');
    // Nobody but the host (or an admin) decides; guards cannot.
    await api.fails('POST', `/api/visits/${visit.id}/host-decision`, other, { decision: 'approved' }, 403);
    await api.fails('POST', `/api/visits/${visit.id}/host-decision`, guard, { decision: 'approved' }, 403);
    await api.fails('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: '0008000001', identity }, 409, [
      /host has not approved/,
    ]);
    const approved = await api.ok<VisitView>(
      'POST',
      `/api/visits/${visit.id}/host-decision`,
      host,
      { decision: 'approved', note: 'expected him' },
      200,
    );
    assert.equal(approved.hostDecision, 'approved');
    assert.equal(approved.status, 'expected');
    await waitFor(() => guardSaw.find((v) => v.id === visit.id && v.hostDecision === 'approved'), 'the guard sees the approval');
    await api.fails('POST', `/api/visits/${visit.id}/host-decision`, host, { decision: 'denied' }, 409, [/already approved/]);
  });

  test('check-in needs the identity check; the number is kept masked and hashed, never in clear', async () => {
    const photo = pngImage(48, 64);
    const visit = guardSaw.find((v) => v.hostDecision === 'approved')!;
    await api.fails('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: '0008000001' }, 400, [/identity/]);
    await api.fails(
      'POST',
      `/api/visits/${visit.id}/check-in`,
      guard,
      { cardNumber: '0008000001', identity: { idDocumentType: 'resident_id', idNumber: '<script>' } },
      400,
      [/idNumber/],
    );
    await api.fails('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: '0009999999', identity }, 400, [
      /not a visitor pool card/,
    ]);
    // The photo is an upload of its own (PUT …/photo), no longer a data URL in the JSON.
    await api.fails(
      'POST',
      `/api/visits/${visit.id}/check-in`,
      guard,
      { cardNumber: '0008000001', identity, photo: 'data:image/png;base64,iVBORw0KGgo=' },
      400,
      [/photo should not exist/],
    );
    const checkedIn = await api.ok<VisitView>(
      'POST',
      `/api/visits/${visit.id}/check-in`,
      guard,
      {
        cardNumber: '0008000001',
        identity,
        photoConsent: true,
        items: [
          { kind: 'laptop', description: 'ThinkPad X1', serial: 'PF-12345' },
          { kind: 'storage_media', description: 'USB drive' },
        ],
      },
      200,
    );
    assert.equal(checkedIn.hasPhoto, false);
    const form = new FormData();
    form.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'visitor.png');
    const uploaded = await t.request<VisitView>('PUT', `/api/visits/${visit.id}/photo`, { token: guard, form });
    assert.equal(uploaded.status, 200);
    const onSite = uploaded.body;
    assert.equal(onSite.status, 'on_site');
    assert.equal(onSite.idNumberMasked, '**************1234');
    assert.equal(onSite.credentialDisplay, '0008000001');
    assert.equal(onSite.hasPhoto, true);
    assert.equal(JSON.stringify(onSite).includes('110101199003071234'), false);
    const row = await t.dataSource().getRepository(VisitEntity).findOneByOrFail({ id: visit.id });
    assert.equal(JSON.stringify(row).includes('110101199003071234'), false);
    assert.match(row.idNumberHash!, /^[0-9a-f]{64}$/);
    // The audit log does not keep the visitor's personal data either.
    const audit = await t.dataSource().query(`SELECT before_state, after_state FROM audit_log WHERE entity_type = 'visits'`);
    assert.ok(audit.length > 0);
    assert.equal(JSON.stringify(audit).includes('Chen Jie'), false);
    assert.equal(JSON.stringify(audit).includes(photo.toString('base64').slice(0, 40)), false);
  });

  test('the visitor card reaches the agent at once: its zones only, until the window ends, with its escort', async () => {
    const visit = guardSaw.find((v) => v.status === 'on_site')!;
    const card = await waitFor(() => heldCard('em4100:8000001'), 'the visitor card at the agent', 3000);
    assert.equal(card.type, 'visitor');
    assert.equal(card.status, 'active');
    assert.equal(card.validUntil, visit.windowEnd);
    assert.deepEqual(
      card.grants.map((g) => g.zoneId),
      ['office'],
    );
    assert.equal(card.grants[0]!.validUntil, visit.windowEnd);
    assert.deepEqual(card.escortPersonIds, [otherId]);
    // The pool card is lent: no second visitor gets it.
    const second = await api.ok<VisitView>('POST', '/api/visits/walk-in', guard, walkIn({ visitorName: 'Second Visitor' }));
    await api.ok('POST', `/api/visits/${second.id}/host-decision`, host, { decision: 'approved' }, 200);
    await api.fails('POST', `/api/visits/${second.id}/check-in`, guard, { cardNumber: '0008000001', identity }, 409, [/already lent/]);
  });

  test('on-site and evacuation lists place the visitor where a door last let them in', async () => {
    const visit = guardSaw.find((v) => v.status === 'on_site')!;
    let list = await api.ok<OnSiteList>('GET', '/api/reception/on-site', guard);
    const before = list.people.find((p) => p.visitId === visit.id)!;
    assert.equal(before.zoneId, null);
    const detail = await api.ok<VisitView>('GET', `/api/visits/${visit.id}`, guard);
    const event = {
      eventId: crypto.randomUUID(),
      agentId: 'agent-1',
      seq: 1,
      occurredAt: Date.now(),
      kind: 'access',
      doorId: 'office-gate',
      readerId: 'office-gate-in',
      direction: 'in',
      zoneId: 'office',
      credential: 'em4100:8000001',
      cardId: detail.cardId,
      personId: (await t.dataSource().getRepository(VisitEntity).findOneByOrFail({ id: visit.id })).personId,
      holder: visit.visitorName,
      granted: true,
      reason: 'granted',
      permissionVersion: 1,
    } as AgentEvent;
    await t.server.app.get(EventsService).ingest('agent-1', [event]);
    await t.server.app.get(PresenceService).idle();
    list = await api.ok<OnSiteList>('GET', '/api/reception/on-site', guard);
    const after = list.people.find((p) => p.visitId === visit.id)!;
    assert.equal(after.zoneId, 'office');
    assert.ok(list.zones.some((z) => z.zoneId === 'office' && z.count >= 1));
    assert.ok(list.visitors >= 1);
  });

  test("sign-out checks the items; a difference needs the guard's decision; the card goes back to the pool and off the agents", async () => {
    const visit = guardSaw.find((v) => v.status === 'on_site')!;
    await api.fails(
      'POST',
      `/api/visits/${visit.id}/sign-out`,
      guard,
      { items: [{ kind: 'laptop', description: 'ThinkPad X1', serial: 'pf-12345' }] },
      409,
      [/missing: USB drive/, /itemsDecision/],
    );
    await t.server.app.get(AlertsService).idle();
    const alerts = await api.ok<AlertView[]>('GET', '/api/alerts', guard);
    assert.ok(alerts.some((a) => a.type === 'visitor_items_mismatch'));
    const out = await api.ok<VisitView>(
      'POST',
      `/api/visits/${visit.id}/sign-out`,
      guard,
      {
        items: [{ kind: 'laptop', description: 'ThinkPad X1', serial: 'pf-12345' }],
        itemsDecision: 'USB drive handed to the host for inspection',
      },
      200,
    );
    assert.equal(out.status, 'signed_out');
    assert.equal(out.signoutKind, 'guard');
    assert.ok(out.signedOutAt);
    const pool = await api.ok<PoolCardView[]>('GET', '/api/reception/pool', guard);
    assert.equal(pool.find((c) => c.label === 'T-01')!.status, 'available');
    await waitFor(() => heldCard('em4100:8000001') === undefined, 'the card gone from the agent', 3000);
    await api.fails('POST', `/api/visits/${visit.id}/sign-out`, guard, {}, 409, [/signed_out/]);
  });

  test('a pre-registered visitor gets an invitation QR that opens nothing until check-in', async () => {
    const visit = await api.ok<VisitView>(
      'POST',
      '/api/visits',
      host,
      walkIn({ hostPersonId: undefined, visitorName: 'Invited Guest', zoneIds: ['office', 'lab'] }),
    );
    assert.equal(visit.status, 'expected');
    assert.equal(visit.hostDecision, 'approved');
    assert.match(visit.invitationCode!, /^ACSV1:[a-z0-9]{30}$/);
    const credential = `qr:${visit.invitationCode!.slice('ACSV1:'.length)}`;
    // Employees invite only to see themselves.
    await api.fails('POST', '/api/visits', other, walkIn({ hostPersonId: hostId }), 403);
    assert.equal(heldCard(credential), undefined);
    const onSite = await api.ok<VisitView>(
      'POST',
      `/api/visits/${visit.id}/check-in`,
      guard,
      { useQr: true, identity: { idDocumentType: 'passport', idNumber: 'E12345678' } },
      200,
    );
    assert.equal(onSite.credentialKind, 'qr');
    const card = await waitFor(() => heldCard(credential), 'the QR credential at the agent', 3000);
    assert.deepEqual(card.grants.map((g) => g.zoneId).sort(), ['lab', 'office']);
    // An employee sees only their own visits.
    const mine = await api.ok<VisitView[]>('GET', '/api/visits?scope=history', other);
    assert.equal(
      mine.some((v) => v.id === visit.id),
      false,
    );
  });

  test('a watch-list match stops the counter until a supervisor decides, and the decision is recorded', async () => {
    await api.ok<WatchlistEntryView>('POST', '/api/reception/watchlist', admin, {
      name: 'Wang Fang',
      list: 'deny',
      reason: 'Trespass 2025',
    });
    await api.fails('POST', '/api/reception/watchlist', guard, { name: 'X', list: 'deny', reason: 'x' }, 403);
    await api.fails('POST', '/api/reception/watchlist', admin, { name: 'X', list: 'grey', reason: 'x' }, 400, [/list must be one of/]);
    const visit = await api.ok<VisitView>('POST', '/api/visits/walk-in', guard, walkIn({ visitorName: 'WANG-fang' }));
    assert.equal(visit.watchlist, 'pending');
    assert.equal(visit.watchlistMatch!.name, 'Wang Fang');
    assert.ok(visit.watchlistMatch!.score >= 0.8);
    await t.server.app.get(AlertsService).idle();
    assert.ok((await api.ok<AlertView[]>('GET', '/api/alerts', guard)).some((a) => a.type === 'watchlist_match'));
    await api.ok('POST', `/api/visits/${visit.id}/host-decision`, host, { decision: 'approved' }, 200);
    await api.fails('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: '0008000002', identity }, 409, [/supervisor/]);
    await api.fails('POST', `/api/visits/${visit.id}/watchlist-decision`, guard, { decision: 'allowed', note: 'ok' }, 403);
    await api.fails('POST', `/api/visits/${visit.id}/watchlist-decision`, admin, { decision: 'allowed' }, 400, [/note/]);
    const decided = await api.ok<VisitView>(
      'POST',
      `/api/visits/${visit.id}/watchlist-decision`,
      admin,
      { decision: 'allowed', note: 'Different person: birth year differs' },
      200,
    );
    assert.equal(decided.watchlist, 'allowed');
    assert.equal(decided.watchlistDecidedBy, 'Admin 管理员');
    await api.ok('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: '0008000002', identity }, 200);
    // A refused match ends the visit.
    const refused = await api.ok<VisitView>('POST', '/api/visits/walk-in', guard, walkIn({ visitorName: 'Wang Fang' }));
    const after = await api.ok<VisitView>(
      'POST',
      `/api/visits/${refused.id}/watchlist-decision`,
      admin,
      { decision: 'refused', note: 'Same person' },
      200,
    );
    assert.equal(after.status, 'denied');
  });

  test('bad input at every form gets a clear error and changes nothing', async () => {
    const count = async () => await t.dataSource().getRepository(VisitEntity).count();
    const before = await count();
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ zoneIds: [] }), 400, [/at least one zone/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ zoneIds: ['nowhere'] }), 400, [/zone nowhere does not exist/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ windowEnd: Date.now() - 1000 }), 400, [/future/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ windowEnd: Date.now() + 30 * 24 * HOUR }), 400, [/14 days/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ hostPersonId: 'nobody' }), 400, [/does not exist/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ visitorName: '' }), 400, [/visitorName/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ visitorPhone: 'call me' }), 400, [/visitorPhone/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ escortPersonIds: ['ghost'] }), 400, [/escortPersonIds/]);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ extra: 1 }), 400);
    await api.fails('POST', '/api/visits/walk-in', guard, walkIn({ identity: { idDocumentType: 'library_card', idNumber: '1234' } }), 400, [
      /idDocumentType/,
    ]);
    await api.fails('POST', '/api/visits/walk-in', host, walkIn(), 403);
    await api.fails('POST', '/api/reception/pool', admin, { cardNumber: 'not a card', label: 'X' }, 400, [/cardNumber/]);
    await api.fails('POST', '/api/reception/pool', admin, { cardNumber: '0008000001', label: 'dup' }, 409, [/already in the pool/]);
    await api.fails('POST', '/api/reception/pool', admin, { cardNumber: '0003887558', label: 'Zhang' }, 409, [/active employee card/]);
    await api.fails('PUT', '/api/reception/settings', admin, { endOfDay: '25:00' }, 400, [/HH:MM/]);
    await api.fails('GET', '/api/visits/export.csv?from=10', admin, undefined, 400, [/from and to/]);
    await api.fails('GET', '/api/visits/export.csv?from=10&to=5', admin, undefined, 400, [/before/]);
    await api.fails('POST', '/api/visits/nope/check-in', guard, { useQr: true }, 404);
    assert.equal(await count(), before);
  });

  test('after the window: an overstay alert, then the end-of-day sign-out with its reason, then anonymisation after the retention period', async () => {
    const windowEnd = Date.now() + HOUR;
    const visit = await api.ok<VisitView>(
      'POST',
      '/api/visits/walk-in',
      guard,
      walkIn({ visitorName: 'Late Leaver', windowEnd, identity }),
    );
    await api.ok('POST', `/api/visits/${visit.id}/host-decision`, host, { decision: 'approved' }, 200);
    await api.ok('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: '0008000003' }, 200);
    const visits = t.server.app.get(VisitSweeperService);
    await api.ok('PUT', '/api/reception/settings', admin, { endOfDay: '23:59', retentionDays: 30 });
    // Just after the window: overstay (once), not yet the end of the day... unless the window ends after 23:59.
    const sweep1 = await visits.sweep(windowEnd + 60_000);
    const afterOne = await api.ok<VisitView>('GET', `/api/visits/${visit.id}`, guard);
    if (afterOne.status === 'on_site') {
      assert.equal(afterOne.overstay, true);
      assert.equal(sweep1.overstays >= 1, true);
      await t.server.app.get(AlertsService).idle();
      assert.ok(
        (await api.ok<AlertView[]>('GET', '/api/alerts', guard)).some((a) => a.type === 'visit_overstay' && a.holder === 'Late Leaver'),
      );
      assert.equal((await visits.sweep(windowEnd + 120_000)).overstays, 0);
    }
    // A day later the end-of-day sweep has signed the visitor out, with the reason.
    await visits.sweep(windowEnd + 24 * HOUR);
    const closed = await api.ok<VisitView>('GET', `/api/visits/${visit.id}`, guard);
    assert.equal(closed.status, 'signed_out');
    assert.equal(closed.signoutKind, 'end_of_day');
    assert.match(closed.signoutReason!, /end-of-day sign-out at 23:59/);
    assert.ok(closed.signedOutAt);
    // The guard is told: a visitor signed out by the system may still be in the building.
    await t.server.app.get(AlertsService).idle();
    const forced = (await api.ok<AlertView[]>('GET', '/api/alerts', guard)).find(
      (a) => a.type === 'visit_forced_signout' && a.holder === 'Late Leaver',
    );
    assert.ok(forced, 'a visit_forced_signout alert for the visitor');
    assert.match(forced.detail ?? '', /end-of-day sign-out at 23:59/);
    const pool = await api.ok<PoolCardView[]>('GET', '/api/reception/pool', guard);
    assert.equal(pool.find((c) => c.label === 'T-03')!.status, 'available');
    // After the retention period the personal data goes; the visit and its times stay.
    await visits.sweep(windowEnd + 31 * 24 * HOUR);
    const gone = await api.ok<VisitView>('GET', `/api/visits/${visit.id}`, guard);
    assert.equal(gone.visitorName, '(anonymised)');
    assert.equal(gone.visitorPhone, null);
    assert.equal(gone.idNumberMasked, null);
    assert.ok(gone.anonymisedAt);
    assert.equal(gone.signedOutAt, closed.signedOutAt);
  });
});
