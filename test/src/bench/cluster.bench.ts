/**
 * Several server instances (1, then 3) on PostgreSQL and Mosquitto started from the project's
 * configuration, with 1,000 protocol-level agents (MQTT clients that behave like the edge
 * agent's outbox: one batch in flight, the next after the acknowledgement). Measures the
 * sustained ingest from the first publish until a dashboard socket connected to one instance
 * has received every event (broker → database → socket), and, in the same run, the bare
 * rate of the same rows in multi-row INSERTs into the same database.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { LoginResponse } from '@acs/shared/api/users';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { toEventRow } from '@acs/server/events/events.service';
import { CLUSTER_ADMIN_PASSWORD, startCluster } from '../cluster/cluster-support.js';
import type { BenchModule } from './run.js';

const progress = (line: string) => process.stderr.write(`  [cluster] ${line}\n`);
const AGENTS = Number(process.env.ACS_BENCH_CLUSTER_AGENTS ?? 1000);
const EVENTS_PER_AGENT = Number(process.env.ACS_BENCH_CLUSTER_EVENTS ?? 200);
const BATCH = 100;

interface Run {
  instances: number;
  events: number;
  lost: number;
  duplicated: number;
  ingestPerSecond: number;
  bareInsertPerSecond: number;
}

function accessEvent(agentId: string, doorId: string, seq: number, at: number) {
  return {
    kind: 'access' as const,
    eventId: randomUUID(),
    agentId,
    seq,
    occurredAt: at,
    doorId,
    readerId: `${doorId}-in`,
    direction: 'in' as const,
    zoneId: 'office',
    credential: 'em4100:3887558',
    cardId: null,
    personId: null,
    holder: null,
    granted: true,
    reason: 'granted' as const,
    permissionVersion: 1,
  };
}

async function measure(postgresUrl: string, instances: number): Promise<Run> {
  const agentIds = Array.from({ length: AGENTS }, (_, i) => `bench-${i}`);
  progress(`${instances} instance(s): starting Mosquitto, preparing the database, ${AGENTS} agents`);
  const cluster = await startCluster(postgresUrl, instances, agentIds, { bulkAgents: true });
  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < AGENTS; i += 500) {
      const chunk = agentIds.slice(i, i + 500);
      const values = chunk.map((_, k) => `($${k + 1}, $${k + 1}, 'lobby', 'office', $${k + 1}, 5000, 30000, 'secure', 0, 0)`).join(', ');
      await cluster.query(
        `INSERT INTO doors (id, name, from_zone_id, to_zone_id, agent_id, release_ms, held_open_ms, fail_mode, created_at, updated_at) VALUES ${values}`,
        chunk,
      );
    }
    const watcher = cluster.instances[cluster.instances.length - 1]!;
    const login = (await (
      await fetch(`${watcher.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: CLUSTER_ADMIN_PASSWORD }),
      })
    ).json()) as LoginResponse;
    const socket = io(watcher.url, { auth: { token: login.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const seen = new Set<string>();
    socket.on('event:v1', (e: { eventId: string }) => seen.add(e.eventId));
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));

    progress(`connecting ${AGENTS} agents`);
    for (let i = 0; i < AGENTS; i += 100) {
      const wave = await Promise.all(
        agentIds.slice(i, i + 100).map(async (id) => {
          const client = await mqtt.connectAsync(cluster.mosquitto.url, {
            clientId: id,
            username: id,
            password: cluster.agentPasswords[id]!,
            reconnectPeriod: 0,
            clean: true,
          });
          await client.subscribeAsync(agentTopic(id, 'events-ack'), { qos: 1 });
          return client;
        }),
      );
      clients.push(...wave);
    }

    const total = AGENTS * EVENTS_PER_AGENT;
    const sent: Array<ReturnType<typeof accessEvent>> = [];
    progress(`publishing ${total} events (${EVENTS_PER_AGENT} per agent, ${BATCH} per batch, one batch in flight per agent)`);
    const started = Date.now();
    await Promise.all(
      clients.map(async (client, index) => {
        const agentId = agentIds[index]!;
        let seq = 0;
        for (let b = 0; b < EVENTS_PER_AGENT / BATCH; b += 1) {
          const events = Array.from({ length: BATCH }, () => accessEvent(agentId, agentId, ++seq, Date.now()));
          sent.push(...events);
          const acked = new Promise<void>((resolve) => {
            const onMessage = (topic: string, payload: Buffer) => {
              const seqs = (JSON.parse(payload.toString('utf8')) as { seqs: number[] }).seqs;
              if (seqs.includes(seq)) {
                client.off('message', onMessage);
                resolve();
              }
            };
            client.on('message', onMessage);
          });
          await client.publishAsync(agentTopic(agentId, 'events'), JSON.stringify({ events }), { qos: 1 });
          await acked;
        }
      }),
    );
    const deadline = Date.now() + 300_000;
    while (seen.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (Date.now() - started) / 1000;
    socket.close();
    const stored = await cluster.query<{ n: string; distinct_seq: string }>(
      `SELECT count(*) AS n, count(DISTINCT (agent_id, seq)) AS distinct_seq FROM events WHERE agent_id LIKE 'bench-%'`,
    );
    const storedCount = Number(stored[0]!.n);
    const run: Run = {
      instances,
      events: total,
      lost: total - Number(stored[0]!.distinct_seq),
      duplicated: storedCount - Number(stored[0]!.distinct_seq),
      ingestPerSecond: seen.size / elapsed,
      bareInsertPerSecond: 0,
    };
    progress(`ingest: ${seen.size} events reached the dashboard in ${elapsed.toFixed(1)} s`);

    // The same rows, straight into a table shaped like events in the same database.
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 });
    try {
      await pool.query(`CREATE TABLE "${cluster.schema}".bare_events (LIKE "${cluster.schema}".events INCLUDING ALL)`);
      const rows = sent.map((e) => toEventRow(e, Date.now()));
      const columns = [
        'event_id',
        'agent_id',
        'seq',
        'kind',
        'occurred_at',
        'received_at',
        'door_id',
        'reader_id',
        'direction',
        'zone_id',
        'credential',
        'granted',
        'reason',
        'permission_version',
      ];
      const bareStarted = Date.now();
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        const params: unknown[] = [];
        const tuples = chunk.map((r) => {
          const values = [
            r.eventId,
            r.agentId,
            r.seq,
            r.kind,
            r.occurredAt,
            r.receivedAt,
            r.doorId,
            r.readerId,
            r.direction,
            r.zoneId,
            r.credential,
            r.granted,
            r.reason,
            r.permissionVersion,
          ];
          const start = params.length;
          params.push(...values);
          return `(${values.map((_, k) => `$${start + k + 1}`).join(', ')})`;
        });
        await pool.query(`INSERT INTO "${cluster.schema}".bare_events (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
      }
      run.bareInsertPerSecond = rows.length / ((Date.now() - bareStarted) / 1000);
    } finally {
      await pool.end();
    }
    return run;
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await cluster.close();
  }
}

export const clusterBench: BenchModule = {
  name: 'cluster',
  description: `1 and 3 server instances on PostgreSQL + Mosquitto, ${AGENTS} agents, ingest to a dashboard socket vs bare inserts`,
  async run() {
    const postgresUrl = process.env.ACS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const results: Record<string, string> = {};
    const counts = (process.env.ACS_BENCH_CLUSTER_INSTANCES ?? '1,3').split(',').map(Number);
    for (const instances of counts) {
      const r = await measure(postgresUrl, instances);
      results[`${instances} instance(s)`] =
        `instances ${r.instances}, agents ${AGENTS}, events ${r.events}, lost ${r.lost}, duplicated ${r.duplicated}`;
      results[`${instances} instance(s) ingest`] =
        `ingest ${Math.round(r.ingestPerSecond)} ev/s sustained (broker → database → socket), bare insert ${Math.round(r.bareInsertPerSecond)} ev/s, ratio ${(r.ingestPerSecond / r.bareInsertPerSecond).toFixed(2)}`;
    }
    return results;
  },
};
