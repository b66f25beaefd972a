import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { LegalHoldView, RetentionRunView, RetentionSettingsView } from '@acs/shared/api/retention';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { EventsService } from '../events/events.service.js';
import { EventEntity } from '../events/event.entity.js';
import { grantedAccess } from '../testing/access-events.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

const DAY = 86_400_000;

describe('retention with legal hold, and the streamed access-history report', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let zhang: PersonView;
  let lina: PersonView;
  let seq = 1;
  const old = Date.now() - 800 * DAY;

  async function ingest(person: PersonView, count: number, start: number, step = 1000): Promise<void> {
    for (let i = 0; i < count; i += 1000) {
      const batch: AgentEvent[] = [];
      for (let j = i; j < Math.min(count, i + 1000); j++) {
        batch.push(grantedAccess(person, { seq: seq++, occurredAt: start + j * step }));
      }
      await t.server.app.get(EventsService).ingest('agent-1', batch);
    }
  }
  const eventsOf = (person: PersonView) => t.dataSource().getRepository(EventEntity).countBy({ personId: person.id });

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    admin = await t.token('admin');
    const people = await api.ok<PersonView[]>('GET', '/api/people', admin);
    zhang = people.find((p) => p.name.includes('Zhang Wei'))!;
    lina = people.find((p) => p.name.includes('Li Na'))!;
  });
  afterAll(async () => {
    await t?.close();
  });

  test('events past their period go, except those a legal hold covers; the run is audited; releasing the hold lets them go', async () => {
    await ingest(zhang, 20, old);
    await ingest(lina, 30, old);
    await ingest(lina, 5, Date.now() - DAY);
    await api.fails('PUT', '/api/retention', admin, { events: 10 }, 400, [/30 to 36500/]);
    await api.fails('PUT', '/api/retention', await t.token('guard'), { events: 365 }, 403);
    const settings = await api.ok<RetentionSettingsView>('PUT', '/api/retention', admin, { events: 365, incidents: null });
    assert.equal(settings.events, 365);
    assert.equal(settings.incidents, null);
    await api.fails('POST', '/api/retention/holds', admin, { reason: 'x', periodFrom: 10, periodTo: 5 }, 400, [/after/]);
    const hold = await api.ok<LegalHoldView>('POST', '/api/retention/holds', admin, {
      reason: 'Court order 2026-17',
      personId: zhang.id,
      periodFrom: old - DAY,
      periodTo: old + DAY,
    });
    assert.equal(hold.personName, zhang.name);

    const run = await api.ok<RetentionRunView>('POST', '/api/retention/run', admin, undefined, 200);
    assert.equal(run.deleted.events, 30);
    assert.equal(run.held.events, 20);
    assert.equal(await eventsOf(zhang), 20);
    assert.equal(await eventsOf(lina), 5);
    const audit = await api.ok<Page<AuditEntryView>>('GET', '/api/audit?action=retention.delete', admin);
    assert.match(audit.items[0]!.detail!, /deleted events 30, .*kept by legal hold events 20/);

    await api.ok('POST', `/api/retention/holds/${hold.id}/release`, admin, undefined, 200);
    await api.fails('POST', `/api/retention/holds/${hold.id}/release`, admin, undefined, 409);
    const again = await api.ok<RetentionRunView>('POST', '/api/retention/run', admin, undefined, 200);
    assert.equal(again.deleted.events, 20);
    assert.equal(await eventsOf(zhang), 0);
  });

  test('the access history of one person over a period streams as CSV, in order, every row once', async () => {
    const start = Date.now() - 10 * DAY;
    await ingest(zhang, 12_000, start, 60_000);
    const res = await fetch(`${t.url}/api/reports/access-history.csv?personId=${zhang.id}&from=${start}&to=${Date.now()}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/csv/);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.match(lines[0]!, /^Time \(Asia\/Shanghai\),Door,Direction,Zone,Person/);
    assert.equal(lines.length, 1 + 12_000);
    const times = lines.slice(1).map((l) => l.split(',')[0]!);
    assert.deepEqual(times, [...times].sort());
    const page = await api.ok<Page<{ personId: string }>>(
      'GET',
      `/api/events?personId=${zhang.id}&zoneId=lab&from=${start}&to=${start + 10 * 60_000}&limit=500`,
      admin,
    );
    assert.equal(page.items.length, 10);
    await api.fails('GET', `/api/events?from=10&to=5`, admin, undefined, 400, [/before/]);
    const bad = await fetch(`${t.url}/api/reports/access-history.csv?from=10&to=5`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(bad.status, 400);
  });

  test('rows whose times no date can hold, on the first page and past it, still export completely', async () => {
    // Stored before device times were checked; written straight to the table as such a row was.
    const repo = t.dataSource().getRepository(EventEntity);
    const wang = (await api.ok<PersonView[]>('GET', '/api/people', admin)).find((p) => p.name.includes('Wang Qiang'))!;
    const start = Date.now() - 3 * DAY;
    await ingest(wang, 2500, start, 10);
    const wild = [8.64e15 + 1, 9e15];
    for (const occurredAt of wild) {
      const event = grantedAccess(wang, { seq: seq++, occurredAt: start });
      await repo.insert({ ...event, occurredAt, receivedAt: Date.now(), deviceOccurredAt: null, deviceId: null, type: null, detail: null });
    }
    const res = await fetch(`${t.url}/api/reports/access-history.csv?personId=${wang.id}&from=${start}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 1 + 2500 + wild.length, 'every row, the last past the first 2,000-row page');
    assert.deepEqual(
      lines.slice(-2).map((l) => l.split(',')[0]),
      wild.map((ms) => `invalid time (${ms} ms)`),
    );
  });
});
