import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { randomUUID } from 'node:crypto';
import type { AlertView } from '@acs/shared/api/alerts';
import type { AlertRulesView, IncidentDetailView, IncidentStatsView, IncidentView, ViolationView } from '@acs/shared/api/incidents';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { AlertsService } from '../alerts/alerts.service.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { EventsService } from '../events/events.service.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { pngImage } from '../testing/sample-files.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

describe('incidents, violations, escalation and alert rules', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let guard: string;
  let employee: string;
  let auditor: string;
  let seq = 5000;
  const alertsService = () => t.server.app.get(AlertsService);

  async function doorEvent(doorId: string, type: string, occurredAt = Date.now()): Promise<void> {
    const event = { eventId: randomUUID(), agentId: 'agent-1', seq: seq++, occurredAt, kind: 'door', doorId, type } as AgentEvent;
    await t.server.app.get(EventsService).ingest('agent-1', [event]);
    await alertsService().idle();
  }
  const alerts = () => api.ok<AlertView[]>('GET', '/api/alerts?scope=recent', guard);

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    admin = await t.token('admin');
    guard = await t.token('guard');
    employee = await t.token('zhangwei');
    auditor = await t.token('auditor');
  });
  afterAll(async () => {
    await t?.close();
  });

  test('an unacknowledged critical alert escalates once after the configured time, audited and pushed', async () => {
    const rules = await api.ok<AlertRulesView>('PUT', '/api/alerts/rules', admin, { escalateAfterSeconds: 60 });
    assert.equal(rules.escalateAfterSeconds, 60);
    const at = Date.now() - 120_000;
    await doorEvent('lab', 'forced_open', at);
    const forced = (await alerts()).find((a) => a.type === 'door_forced')!;
    assert.equal(forced.escalatedAt, null);
    await alertsService().sweep(Date.now());
    const escalated = (await alerts()).find((a) => a.id === forced.id)!;
    assert.ok(escalated.escalatedAt);
    await alertsService().sweep(Date.now() + 1000);
    assert.equal((await alerts()).find((a) => a.id === forced.id)!.escalatedAt, escalated.escalatedAt);
    const audit = await api.ok<Page<AuditEntryView>>('GET', '/api/audit?action=alert.escalate', admin);
    assert.ok(audit.items.some((e) => e.entityId === forced.id));
  });

  test('alert rules per zone level: off at one level, a different severity at another; bad rules are refused', async () => {
    await api.fails('PUT', '/api/alerts/rules', admin, { levels: { '7': { door_forced: 'off' } } }, 400, [/levels must map/]);
    await api.fails('PUT', '/api/alerts/rules', admin, { levels: { '2': { door_forced: 'loud' } } }, 400, [/levels must map/]);
    await api.fails('PUT', '/api/alerts/rules', admin, { escalateAfterSeconds: 1 }, 400);
    await api.fails('PUT', '/api/alerts/rules', guard, { escalateAfterSeconds: 100 }, 403);
    // The lab door leads into an L2 zone; the office gate into L1.
    await api.ok('PUT', '/api/alerts/rules', admin, { levels: { '2': { door_held_open: 'critical' }, '1': { door_held_open: 'off' } } });
    await doorEvent('lab', 'held_open');
    await doorEvent('office-gate', 'held_open');
    const held = (await alerts()).filter((a) => a.type === 'door_held_open');
    assert.equal(held.find((a) => a.doorId === 'lab')?.severity, 'critical');
    assert.equal(
      held.some((a) => a.doorId === 'office-gate'),
      false,
    );
  });

  test('a clock off by more than the threshold raises clock drift; back in time clears it', async () => {
    const signals = t.server.app.get(DomainSignalBus);
    signals.emit('agent.clock', { agentId: 'agent-1', driftMs: 95_000, at: Date.now() });
    await alertsService().idle();
    const drift = (await alerts()).find((a) => a.type === 'clock_drift')!;
    assert.equal(drift.active, true);
    assert.match(drift.detail!, /ahead by 95.0 s/);
    signals.emit('agent.clock', { agentId: 'agent-1', driftMs: 200, at: Date.now() });
    await alertsService().idle();
    assert.equal((await alerts()).find((a) => a.id === drift.id)!.active, false);
  });

  test('an alert escalated to an incident: linked, acknowledged, owned, with a timeline; level 3 closes only by a manager', async () => {
    const forced = (await alerts()).find((a) => a.type === 'door_forced')!;
    await api.fails('POST', `/api/alerts/${forced.id}/incident`, guard, { level: 5 }, 400, [/level must be 1/]);
    await api.fails('POST', `/api/alerts/${forced.id}/incident`, employee, { level: 3 }, 403);
    const incident = await api.ok<IncidentDetailView>('POST', `/api/alerts/${forced.id}/incident`, guard, {
      level: 3,
      note: 'door found open, no one there',
    });
    assert.match(incident.number, /^INC-\d{6}$/);
    assert.equal(incident.level, 3);
    assert.equal(incident.cause, 'forced_entry');
    assert.equal(incident.zoneId, 'lab');
    assert.equal(incident.owner!.name, 'Guard 保安');
    assert.deepEqual(
      incident.entries.map((e) => e.kind),
      ['created', 'alert'],
    );
    const linked = (await alerts()).find((a) => a.id === forced.id)!;
    assert.equal(linked.incidentId, incident.id);
    assert.equal(linked.status === 'open', false);
    await api.fails('POST', `/api/alerts/${forced.id}/incident`, guard, { level: 2 }, 409, [/already incident/]);

    const form = new FormData();
    form.set('text', 'photo of the strike plate');
    form.set('attachment', new Blob([new Uint8Array(pngImage(32, 32))], { type: 'image/png' }), 'strike.png');
    const noted = await t.request<IncidentDetailView>('POST', `/api/incidents/${incident.id}/notes`, { token: guard, form });
    assert.equal(noted.status, 201);
    const attachment = noted.body.entries.find((e) => e.kind === 'attachment')!;
    assert.equal(attachment.attachment!.name, 'strike.png');
    const file = await t.request<string>('GET', `/api/incidents/${incident.id}/attachments/${attachment.id}`, { token: admin });
    assert.equal(file.status, 200);
    await api.ok('PATCH', `/api/incidents/${incident.id}`, guard, { status: 'investigating' });

    const close = {
      outcome: 'Strike plate worn; door did not latch',
      correctiveActions: 'Strike plate replaced; weekly latch check',
      feedback: 'Fixed, thank you',
    };
    await api.fails('POST', `/api/incidents/${incident.id}/close`, guard, close, 403, [/security manager/]);
    await api.fails('POST', `/api/incidents/${incident.id}/close`, admin, { ...close, outcome: '' }, 400, [/outcome/]);
    const closed = await api.ok<IncidentDetailView>('POST', `/api/incidents/${incident.id}/close`, admin, close, 200);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closedBy, 'Admin 管理员');
    assert.deepEqual(
      closed.entries.map((e) => e.kind),
      ['created', 'alert', 'attachment', 'status', 'closed'],
    );
    await api.fails('POST', `/api/incidents/${incident.id}/notes`, guard, { text: 'late' }, 409, [/closed/]);
  });

  test('anyone reports an incident and sees the feedback on their own; guards close levels 1 and 2', async () => {
    const reported = await api.ok<IncidentDetailView>('POST', '/api/incidents', employee, {
      title: 'Tailgater at the office gate',
      description: 'Someone followed me in',
      level: 3,
      cause: 'tailgating',
      zoneId: 'office',
    });
    assert.equal(reported.level, 1, 'an employee report starts at level 1; staff raise it');
    assert.equal(reported.owner, null);
    await api.fails('POST', '/api/incidents', auditor, { title: 'x', description: 'y' }, 403);
    await api.fails('POST', '/api/incidents', employee, { title: '', description: 'y' }, 400);
    await api.fails('POST', '/api/incidents', employee, { title: 'x', description: 'y', zoneId: 'nowhere' }, 400, [/zone nowhere/]);
    const other = await t.token('lina');
    await api.fails('GET', `/api/incidents/${reported.id}`, other, undefined, 404);
    await api.ok('PATCH', `/api/incidents/${reported.id}`, guard, {
      level: 2,
      ownerUserId: (await api.ok<{ id: string }>('GET', '/api/auth/me', guard)).id,
    });
    const closed = await api.ok<IncidentDetailView>(
      'POST',
      `/api/incidents/${reported.id}/close`,
      guard,
      { outcome: 'Badge shared with a courier', correctiveActions: 'Reminder to staff', feedback: 'Thanks: we spoke to the team' },
      200,
    );
    assert.ok(closed.respondedAt);
    const mine = await api.ok<IncidentView[]>('GET', '/api/incidents', employee);
    assert.deepEqual(
      mine.map((i) => i.id),
      [reported.id],
    );
    assert.equal(mine[0]!.feedback, 'Thanks: we spoke to the team');
  });

  test('violations against a person with the four levels, linked to an incident, visible to admins', async () => {
    const person = (await api.ok<PersonView[]>('GET', '/api/people', admin)).find((p) => p.name.includes('Wang Qiang'))!;
    const incident = (await api.ok<IncidentView[]>('GET', '/api/incidents', guard))[0]!;
    await api.fails('POST', '/api/violations', guard, { personId: person.id, level: 5, description: 'x' }, 400, [
      /level must be 1, 2, 3 or 4/,
    ]);
    await api.fails('POST', '/api/violations', guard, { personId: 'nobody', level: 1, description: 'x' }, 400, [/does not exist/]);
    const v = await api.ok<ViolationView>('POST', '/api/violations', guard, {
      personId: person.id,
      level: 2,
      description: 'Let a courier in behind him',
      incidentId: incident.id,
    });
    assert.equal(v.incidentNumber, incident.number);
    const history = await api.ok<ViolationView[]>('GET', `/api/violations?personId=${person.id}`, admin);
    assert.deepEqual(
      history.map((h) => h.id),
      [v.id],
    );
    await api.fails('GET', '/api/violations', guard, undefined, 403);
    const detail = await api.ok<IncidentDetailView>('GET', `/api/incidents/${incident.id}`, admin);
    assert.ok(detail.violations.some((x) => x.id === v.id));
  });

  test('statistics by level, cause, zone and month, with mean times to acknowledge and to close', async () => {
    const stats = await api.ok<IncidentStatsView>(
      'GET',
      `/api/incidents/stats?from=${Date.now() - 86_400_000}&to=${Date.now() + 1000}`,
      guard,
    );
    assert.equal(stats.total, 2);
    assert.deepEqual(stats.byLevel, { '2': 1, '3': 1 });
    assert.equal(stats.byCause.forced_entry, 1);
    assert.equal(stats.byZone.lab, 1);
    assert.equal(
      Object.values(stats.byMonth).reduce((a, b) => a + b, 0),
      2,
    );
    assert.equal(stats.closed, 2);
    assert.ok(stats.meanTimeToCloseMs! >= 0);
    assert.ok(stats.acknowledged >= 1);
    await api.fails('GET', '/api/incidents/stats?from=10&to=5', guard, undefined, 400, [/before/]);
  });

  test("alerts and incidents reports as CSV, with response times, in the reader's language", async () => {
    const incidents = await t.request<string>('GET', `/api/reports/incidents.csv?from=${Date.now() - 86_400_000}&to=${Date.now() + 1000}`, {
      token: auditor,
    });
    assert.equal(incidents.status, 200);
    const lines = String(incidents.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.match(lines[0]!, /^Number,Level,Title,Cause,Zone,Status,Opened/);
    assert.equal(lines.length, 3);
    assert.ok(lines.slice(1).every((l) => /^INC-\d{6},/.test(l)));
    const guardZh = await t.token('guard');
    const alertsCsv = await t.request<string>('GET', `/api/reports/alerts.csv?from=${Date.now() - 86_400_000}&to=${Date.now() + 1000}`, {
      token: guardZh,
    });
    assert.equal(alertsCsv.status, 200);
    const alertLines = String(alertsCsv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.match(alertLines[0]!, /^发生时间 \(Asia\/Shanghai\),类型,严重程度/);
    const forced = alertLines.find((l) => l.includes(',door_forced,'))!;
    assert.match(forced, /,critical,lab,/);
    assert.match(forced, /,\d+,escalated to incident INC-\d{6},yes,/);
    await api.fails('GET', '/api/reports/alerts.csv?from=10&to=5', guard, undefined, 400, [/before/]);
    assert.equal((await t.request('GET', '/api/reports/incidents.csv', { token: employee })).status, 403);
  });

  test('current access per zone as CSV: every active grant with its holder', async () => {
    const res = await t.request<string>('GET', '/api/reports/zone-access.csv?zoneId=lab', { token: auditor });
    assert.equal(res.status, 200);
    const lines = String(res.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.match(lines[0]!, /^Zone,Person,Kind,Person status,Schedule/);
    assert.ok(lines.some((l) => l.includes('Zhang Wei') && l.includes(',always,')));
    assert.ok(lines.some((l) => l.includes('Li Na') && l.includes(',business-hours,')));
    await api.fails('GET', '/api/reports/zone-access.csv?zoneId=nowhere', auditor, undefined, 404);
    await api.fails('GET', '/api/reports/zone-access.csv', auditor, undefined, 400, [/zoneId/]);
  });
});
