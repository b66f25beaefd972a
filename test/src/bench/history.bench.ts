/**
 * The access history of one person over 10,000,000 stored events (SQLite, and
 * PostgreSQL when ACS_TEST_POSTGRES_URL is set), target < 200 ms per query through the REST
 * API; and a CSV export of 1,000,000 events streamed to a client that reads it as it comes,
 * with the server process's memory sampled throughout (bounded: it must not grow with the
 * export). ACS_BENCH_HISTORY_EVENTS changes the 10,000,000 (seeding takes minutes).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import { startTestServer, type TestServer } from '@acs/server/testing/server-harness';
import { stats } from './bench-data.js';
import type { BenchModule } from './run.js';
import { onBothDatabases } from './on-both-databases.js';

const EVENTS = Number(process.env.ACS_BENCH_HISTORY_EVENTS ?? 10_000_000);
const PEOPLE = 20_000;
const EXPORT_EVENTS = 1_000_000;
const QUERIES = 50;
const DAY = 86_400_000;
const progress = (line: string) => process.stderr.write(`  [history] ${line}\n`);

/**
 * Events spread over a year; the last EXPORT_EVENTS fall in the final 10 days (the export
 * window). Rows are generated inside the database (a recursive CTE on SQLite,
 * generate_series on PostgreSQL): building 10,000,000 INSERT strings in JavaScript took
 * ~18 minutes per database, most of it parsing. Person ids are v4-shaped and derived from
 * the row number, so the measurement knows them without reading them back.
 */
async function seed(server: TestServer, now: number): Promise<string[]> {
  const ds = server.server.app.get(DataSource);
  const pg = ds.options.type === 'postgres';
  const table = pg ? `"${(ds.driver as { schema?: string }).schema ?? 'public'}"."events"` : '"events"';
  const personId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const people = Array.from({ length: PEOPLE }, (_, n) => personId(n));
  const columns =
    '(event_id, agent_id, seq, kind, occurred_at, received_at, door_id, reader_id, direction, zone_id, credential, person_id, holder, granted, reason, permission_version)';
  const old = EVENTS - EXPORT_EVENTS;
  // j is the row number; `at` spreads the first rows over 355 days, the last over 10.
  const at = `CASE WHEN j >= ${old} THEN ${now - 10 * DAY} + ((j - ${old}) * ${10 * DAY}) / ${EXPORT_EVENTS} ELSE ${now - 365 * DAY} + (j * ${355 * DAY}) / ${Math.max(1, old)} END`;
  const select = (from: number, to: number) =>
    pg
      ? `SELECT md5(random()::text || j::text), 'agent-1', j + 1, 'access', ${at}, ${at}, 'lab', 'lab-in', 'in', 'lab', 'em4100:' || (j % 4000000), '00000000-0000-4000-8000-' || lpad((j % ${PEOPLE})::text, 12, '0'), 'Bench ' || (j % ${PEOPLE}), true, 'granted', 1 FROM generate_series(${from}::bigint, ${to - 1}::bigint) AS g(j)`
      : `WITH RECURSIVE g(j) AS (SELECT ${from} UNION ALL SELECT j + 1 FROM g WHERE j < ${to - 1}) SELECT lower(hex(randomblob(16))), 'agent-1', j + 1, 'access', ${at}, ${at}, 'lab', 'lab-in', 'in', 'lab', 'em4100:' || (j % 4000000), '00000000-0000-4000-8000-' || substr('000000000000' || (j % ${PEOPLE}), -12), 'Bench ' || (j % ${PEOPLE}), 1, 'granted', 1 FROM g`;
  const started = performance.now();
  const CHUNK = 500_000;
  for (let i = 0; i < EVENTS; i += CHUNK) {
    await ds.query(`INSERT INTO ${table} ${columns} ${select(i, Math.min(EVENTS, i + CHUNK))}`);
    if ((i / CHUNK) % 2 === 1)
      progress(`${((i + CHUNK) / 1e6).toFixed(1)}M events (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (pg) await ds.query(`ANALYZE ${table}`);
  progress(`seeded ${EVENTS.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return people;
}

async function measure(label: string, server: TestServer, people: string[], now: number): Promise<Record<string, string>> {
  const admin = await server.token('admin');
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < QUERIES + 5; i++) {
    const person = people[(i * 397) % PEOPLE]!;
    const started = performance.now();
    const res = await server.request<Page<EventView>>('GET', `/api/events?personId=${person}&from=${now - 365 * DAY}&to=${now}&limit=100`, {
      token: admin,
    });
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`history → ${res.status}`);
    rows = res.body.items.length;
    if (i >= 5) times.push(ms);
  }
  const q = stats(times);

  // The export: the client reads the stream as it arrives; the server's memory is sampled.
  // Live memory: collected before each sample (the bench runs with --expose-gc and a large
  // heap limit, so uncollected garbage would say nothing about what the export holds).
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  let samples = 0;
  const sampler = setInterval(() => {
    gc();
    const m = process.memoryUsage();
    samples += 1;
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 1000);
  // How long the server's event loop stalls while it exports: MQTT, alerts and every other
  // request wait that long (the server and the reading client share this process).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = performance.now();
  const res = await fetch(`${server.url}/api/reports/access-history.csv?from=${now - 10 * DAY - 1}&to=${now + 1}`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  if (res.status !== 200) throw new Error(`access-history.csv → ${res.status} ${await res.text()}`);
  let lines = 0;
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    const text = decoder.decode(chunk, { stream: true });
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  }
  clearInterval(sampler);
  loopDelay.disable();
  const exportMs = performance.now() - started;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  return {
    [`${label}: one person's history, first page of 100`]: `p50 ${q.p50.toFixed(1)} / p99 ${q.p99.toFixed(1)} / max ${q.max.toFixed(1)} ms over ${q.n} people (${rows} rows each; target 200 ms: ${q.p99 < 200 ? 'met' : 'NOT met'})`,
    [`${label}: CSV export of the last 10 days`]: `${(lines - 1).toLocaleString('en')} rows, ${mb(bytes)} in ${(exportMs / 1000).toFixed(1)} s; live heap (after GC, sampled every second, n=${samples}) ${mb(baseline.heapUsed)} before, peak ${mb(peakHeap)}; RSS ${mb(baseline.rss)} before, peak ${mb(peakRss)} (server and reading client in one process; the ${mb(bytes)} file is never held); event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} / max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
  };
}

async function one(
  label: string,
  overrides: Parameters<typeof startTestServer>[0],
  cleanup?: () => Promise<void>,
): Promise<Record<string, string>> {
  const server = await startTestServer({ mode: 'demo', ...overrides });
  try {
    const now = Date.now();
    const people = await seed(server, now);
    (globalThis as { gc?: () => void }).gc?.();
    return await measure(label, server, people, now);
  } finally {
    await server.close();
    await cleanup?.();
  }
}

export const historyBench: BenchModule = {
  name: 'history',
  description: `access history over ${EVENTS.toLocaleString('en')} events and a ${EXPORT_EVENTS.toLocaleString('en')}-row CSV export`,
  run() {
    return onBothDatabases(one);
  },
};
