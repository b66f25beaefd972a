/**
 * The on-site list: 5,000 people on site (4,800 employees let in by doors within the
 * presence window, 200 visitors checked in) and 1,000,000 past access events, on SQLite
 * (and on PostgreSQL when ACS_TEST_POSTGRES_URL is set). The list is read through the REST
 * API as a guard's browser reads it; target < 100 ms. The list reads where people were last
 * let in (one row each, kept as events arrive), so the event history's size does not matter:
 * the million events are there to show it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OnSiteList } from '@acs/shared/api/reception';
import { PersonEntity } from '@acs/server/people/person.entity';
import { PresenceEntity } from '@acs/server/reception/reception-records.entity';
import { VisitEntity } from '@acs/server/reception/visit.entity';
import { startTestServer, type TestServer } from '@acs/server/testing/server-harness';
import { stats } from './bench-data.js';
import type { BenchModule } from './run.js';
import { onBothDatabases } from './on-both-databases.js';

const progress = (line: string) => process.stderr.write(`  [reception] ${line}\n`);
const EMPLOYEES_ON_SITE = 4_800;
const VISITORS_ON_SITE = 200;
const PAST_EVENTS = 1_000_000;
const QUERIES = 50;

async function seed(server: TestServer): Promise<void> {
  const ds = server.server.app.get(DataSource);
  const pg = ds.options.type === 'postgres';
  const now = Date.now();
  const people: string[] = [];
  for (let i = 0; i < EMPLOYEES_ON_SITE + VISITORS_ON_SITE; i += 500) {
    const rows: Partial<PersonEntity>[] = [];
    for (let j = i; j < Math.min(EMPLOYEES_ON_SITE + VISITORS_ON_SITE, i + 500); j++) {
      const id = randomUUID();
      people.push(id);
      rows.push({
        id,
        name: `Bench ${j}`,
        kind: j < EMPLOYEES_ON_SITE ? 'employee' : 'visitor',
        department: null,
        email: null,
        status: 'active',
        departedAt: null,
        departureVersion: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    await ds.createQueryBuilder().insert().into(PersonEntity).values(rows).execute();
  }
  const zones = ['lobby', 'office', 'lab', 'machine-room'];
  const presence: Partial<PresenceEntity>[] = people.map((personId, i) => ({
    personId,
    zoneId: zones[i % zones.length]!,
    doorId: 'office-gate',
    at: now - (i % 600) * 60_000,
  }));
  for (let i = 0; i < presence.length; i += 500)
    await ds
      .createQueryBuilder()
      .insert()
      .into(PresenceEntity)
      .values(presence.slice(i, i + 500))
      .execute();
  const hostId = people[0]!;
  const visits: Partial<VisitEntity>[] = people.slice(EMPLOYEES_ON_SITE).map((personId, i) => ({
    id: randomUUID(),
    status: 'on_site',
    source: 'walk_in',
    visitorName: `Bench visitor ${i}`,
    visitorCompany: null,
    visitorPhone: null,
    hostPersonId: hostId,
    purpose: 'bench',
    zoneIds: ['office'],
    windowStart: now - 3_600_000,
    windowEnd: now + 3_600_000,
    invitationToken: null,
    hostDecision: 'approved',
    watchlistStatus: 'clear',
    photoConsent: false,
    escortPersonIds: [],
    items: [],
    personId,
    checkedInAt: now - 3_000_000,
    createdAt: now,
    updatedAt: now,
  }));
  for (let i = 0; i < visits.length; i += 100)
    await ds
      .createQueryBuilder()
      .insert()
      .into(VisitEntity)
      .values(visits.slice(i, i + 100))
      .execute();

  // One million past events: plain multi-row INSERTs (the entity layer would take minutes).
  const table = pg ? `"${(ds.driver as { schema?: string }).schema ?? 'public'}"."events"` : '"events"';
  const columns =
    '(event_id, agent_id, seq, kind, occurred_at, received_at, door_id, reader_id, direction, zone_id, credential, person_id, holder, granted, reason, permission_version)';
  const ROWS = 1000;
  const started = performance.now();
  const runner = ds.createQueryRunner();
  await runner.startTransaction();
  try {
    for (let i = 0; i < PAST_EVENTS; i += ROWS) {
      const values: string[] = [];
      for (let j = i; j < i + ROWS; j++) {
        const at = now - 90 * 86_400_000 + Math.floor((j / PAST_EVENTS) * 89 * 86_400_000);
        const person = people[j % people.length]!;
        values.push(
          `('${randomBytes(16).toString('hex')}', 'agent-1', ${j + 1}, 'access', ${at}, ${at}, 'office-gate', 'office-gate-in', 'in', 'office', 'em4100:${j % 4_000_000}', '${person}', 'Bench', ${pg ? 'true' : 1}, 'granted', 1)`,
        );
      }
      await runner.query(`INSERT INTO ${table} ${columns} VALUES ${values.join(',')}`);
      if ((i / ROWS) % 200 === 199) progress(`${((i + ROWS) / 1000).toFixed(0)}k events`);
    }
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
  progress(`seeded ${PAST_EVENTS.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function measure(server: TestServer): Promise<{ p50: number; p99: number; max: number; n: number; people: number; bytes: number }> {
  const guard = await server.token('guard');
  let people = 0;
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < QUERIES + 5; i++) {
    const started = performance.now();
    const res = await server.request<OnSiteList>('GET', '/api/reception/on-site', { token: guard });
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`on-site list → ${res.status}`);
    people = res.body.people.length;
    bytes = JSON.stringify(res.body).length;
    if (i >= 5) times.push(ms); // the first few warm caches and the JIT
  }
  return { ...stats(times), people, bytes };
}

async function run(
  label: string,
  overrides: Parameters<typeof startTestServer>[0],
  schemaCleanup?: () => Promise<void>,
): Promise<Record<string, string>> {
  const server = await startTestServer({ mode: 'demo', ...overrides });
  try {
    await seed(server);
    const r = await measure(server);
    return {
      [`${label}: on-site list p50 / p99 / max`]: `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} / ${r.max.toFixed(1)} ms over ${r.n} requests (${r.people} people, ${(r.bytes / 1024).toFixed(0)} KiB JSON; target 100 ms: ${r.p99 < 100 ? 'met' : 'NOT met'})`,
    };
  } finally {
    await server.close();
    await schemaCleanup?.();
  }
}

export const receptionBench: BenchModule = {
  name: 'reception',
  description: `on-site list with ${(EMPLOYEES_ON_SITE + VISITORS_ON_SITE).toLocaleString('en')} people on site and ${PAST_EVENTS.toLocaleString('en')} past events`,
  run() {
    return onBothDatabases(run);
  },
};
