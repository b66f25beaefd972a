import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { AlertView } from '@acs/shared/api/alerts';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { Page } from '@acs/shared/api/http';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { DomainSignalBus } from '../common/domain-signals.js';
import { EventsService } from '../events/events.service.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { AlertsService } from './alerts.service.js';

describe('alerts from agent events, presence and domain signals', () => {
  let t: TestServer;
  let api: ApiCaller;
  let guard: string;
  let admin: string;
  let live: Socket<ServerToClientEvents>;
  const pushed: AlertView[] = [];
  let seq = 1000;
  const T0 = Date.now();

  type NewEvent =
    | { kind: 'door'; doorId: string; type: string }
    | { kind: 'device'; deviceId: string; type: string; detail: string }
    | { kind: 'access'; reason: string; credential: string; granted?: boolean; doorId?: string };
  async function agentSends(...events: NewEvent[]): Promise<void> {
    const full = events.map((e) => {
      const base = { eventId: randomUUID(), agentId: 'agent-1', seq: seq++, occurredAt: T0 + seq };
      if (e.kind !== 'access') return { ...base, ...e } as AgentEvent;
      return {
        ...base,
        kind: 'access',
        doorId: e.doorId ?? 'lab',
        readerId: 'lab-in',
        direction: 'in',
        zoneId: 'lab',
        credential: e.credential,
        cardId: null,
        personId: null,
        holder: 'Test Holder',
        granted: e.granted ?? false,
        reason: e.reason,
        permissionVersion: 1,
      } as AgentEvent;
    });
    await t.server.app.get(EventsService).ingest('agent-1', full);
    await t.server.app.get(AlertsService).idle();
  }
  const active = () => api.ok<AlertView[]>('GET', '/api/alerts', guard);
  const find = async (type: string) => (await active()).filter((a) => a.type === type);

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    guard = await t.token('guard');
    admin = await t.token('admin');
    live = io(t.url, { auth: { token: guard }, transports: ['websocket'], reconnection: false, forceNew: true });
    live.on('alert:v1', (a) => pushed.push(a));
    await waitFor(() => live.connected, 'the guard socket');
  });
  afterAll(async () => {
    live?.close();
    await t?.close();
  });

  test('a forced door raises one critical alert, repeats fold into it, and it is pushed live', async () => {
    await agentSends({ kind: 'door', doorId: 'lab', type: 'forced_open' });
    await agentSends({ kind: 'door', doorId: 'lab', type: 'forced_open' });
    const [forced, ...others] = await find('door_forced');
    assert.equal(others.length, 0, 'deduplicated while the condition persists');
    assert.deepEqual(
      [forced!.severity, forced!.status, forced!.active, forced!.count, forced!.doorName],
      ['critical', 'open', true, 2, '实验室门 Lab door'],
    );
    await waitFor(() => pushed.some((a) => a.id === forced!.id && a.count === 2), 'the alert:v1 push');
  });

  test('a guard acknowledges with a note (audited); the door closing clears it; a new forcing opens a new alert', async () => {
    const [forced] = await find('door_forced');
    await api.fails('POST', `/api/alerts/${forced!.id}/acknowledge`, guard, {}, 400, [/note is required/]);
    const acked = await api.ok<AlertView>(
      'POST',
      `/api/alerts/${forced!.id}/acknowledge`,
      guard,
      { note: 'checked on camera, door pushed by wind' },
      200,
    );
    assert.deepEqual(
      [acked.status, acked.acknowledgedBy, acked.note],
      ['acknowledged', 'Guard 保安', 'checked on camera, door pushed by wind'],
    );
    await api.fails('POST', `/api/alerts/${forced!.id}/acknowledge`, guard, { note: 'again' }, 409, [/already acknowledged/]);
    await agentSends({ kind: 'door', doorId: 'lab', type: 'closed' });
    assert.equal((await find('door_forced')).length, 0, 'acknowledged and cleared: no longer active');
    const recent = await api.ok<AlertView[]>('GET', '/api/alerts?scope=recent', guard);
    assert.equal(recent.find((a) => a.id === forced!.id)?.status, 'cleared');
    await agentSends({ kind: 'door', doorId: 'lab', type: 'forced_open' });
    const [next] = await find('door_forced');
    assert.notEqual(next!.id, forced!.id);
    const audit = await api.ok<Page<AuditEntryView>>('GET', '/api/audit?limit=50', admin);
    assert.ok(audit.items.some((e) => e.action === 'alert.acknowledge' && e.entityId === forced!.id && e.actorUsername === 'guard'));
    await api.fails('GET', '/api/alerts?scope=everything', guard, undefined, 400, [/scope must be one of: active, recent/]);
  });

  test('card misuse: a lost card presented, three denials in a minute, anti-passback and escort', async () => {
    await agentSends({ kind: 'access', reason: 'card_lost', credential: 'em4100:111' });
    const [lost] = await find('card_lost_used');
    assert.deepEqual([lost!.severity, lost!.active, lost!.credential], ['critical', false, 'em4100:111']);
    await agentSends(
      { kind: 'access', reason: 'outside_schedule', credential: 'em4100:222' },
      { kind: 'access', reason: 'outside_schedule', credential: 'em4100:222' },
    );
    assert.equal((await find('repeated_denials')).length, 0, 'two denials are not yet repeated');
    await agentSends({ kind: 'access', reason: 'outside_schedule', credential: 'em4100:222' });
    assert.equal((await find('repeated_denials')).length, 1);
    await agentSends(
      { kind: 'access', reason: 'granted_passback_soft', credential: 'em4100:333', granted: true },
      { kind: 'access', reason: 'escort_required', credential: 'em4100:444' },
    );
    assert.equal((await find('anti_passback')).length, 1);
    assert.equal((await find('escort_violation')).length, 1);
  });

  test('a reader fault and its recovery; an agent offline by last will and back; domain signals', async () => {
    await agentSends({ kind: 'device', deviceId: 'lab-in', type: 'reader_fault', detail: 'port_lost: unplugged' });
    assert.equal((await find('reader_fault'))[0]!.active, true);
    await agentSends({ kind: 'device', deviceId: 'lab-in', type: 'reader_recovered', detail: 'reading again' });
    assert.equal((await find('reader_fault'))[0]!.active, false, 'recovered, still shown until acknowledged');

    const signals = t.server.app.get(DomainSignalBus);
    signals.emit('agent.presence', { agentId: 'agent-1', online: false, at: Date.now() });
    await t.server.app.get(AlertsService).idle();
    assert.equal((await find('agent_offline'))[0]!.severity, 'critical');
    signals.emit('agent.presence', { agentId: 'agent-1', online: true, at: Date.now() });
    signals.emit('seal.broken', {
      sealId: 's-1',
      sealNumber: 'SEAL-0042',
      equipmentId: null,
      zoneId: 'lab',
      inspectedByUserId: null,
      note: 'tape cut',
      at: Date.now(),
    });
    await t.server.app.get(AlertsService).idle();
    assert.equal((await find('agent_offline'))[0]!.active, false);
    assert.match((await find('seal_broken'))[0]!.detail!, /SEAL-0042: tape cut/);
  });
});
