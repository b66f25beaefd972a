/**
 * Three server instances on one PostgreSQL database and a Mosquitto started from the
 * project's configuration, two real edge agents (simulated hardware) deciding a burst of
 * badges, and one instance SIGKILLed in the middle of it. Nothing may be lost or stored
 * twice, a dashboard connected to a surviving instance must see every event, each periodic
 * job must run once per period, and a revocation made through a survivor must reach both
 * agents.
 */
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless, testUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { createLogger, parseAgentConfig, startAgent, type RunningAgent } from '@acs/edge-agent';
import { parse as parseYaml } from 'yaml';
import type { CardView } from '@acs/shared/api/cards';
import type { EventView } from '@acs/shared/api/events';
import type { LoginResponse } from '@acs/shared/api/users';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { mosquittoMissing } from '@acs/server/testing/mosquitto';
import { waitFor } from '@acs/server/testing/server-harness';
import { repoRoot } from '../support/system.js';
import { existsSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { type Cluster, CLUSTER_ADMIN_PASSWORD, NGINX_BIN, startCluster, startNginx } from './cluster-support.js';

const POSTGRES_URL = process.env.ACS_TEST_POSTGRES_URL;
const SKIP = !POSTGRES_URL ? 'set ACS_TEST_POSTGRES_URL to run the cluster test' : mosquittoMissing();
const BADGES_PER_AGENT = 600;

async function api<T>(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

describeUnless(SKIP)('three server instances, one killed in the middle of a burst', () => {
  let cluster: Cluster;
  const agents: RunningAgent[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    cluster = await startCluster(POSTGRES_URL!, 3);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await cluster?.close();
  });

  test('no event lost or stored twice, the surviving dashboard sees every one, jobs run once per period, a revocation reaches every agent', async () => {
    const [doomed, second, third] = cluster.instances;
    const token = (
      await api<LoginResponse>(third!.url, 'POST', '/api/auth/login', null, { username: 'admin', password: CLUSTER_ADMIN_PASSWORD })
    ).body.token;
    assert.ok(token, 'the admin signs in on the third instance');
    const socket: Socket<ServerToClientEvents> = io(third!.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    cleanups.push(async () => socket.close());
    const seenLive = new Set<string>();
    socket.on('event:v1', (event: EventView) => seenLive.add(event.eventId));
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));

    for (const id of ['agent-1', 'agent-2']) {
      const dataDir = await mkdtemp(join(tmpdir(), `acs-cluster-${id}-`));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      const env = {
        ACS_AGENT_MQTT_URL: cluster.mosquitto.url,
        ACS_AGENT_MQTT_PASSWORD: cluster.agentPasswords[id]!,
        ACS_AGENT_DATA_DIR: dataDir,
      };
      // The compose agents' files, on the broker's plain agents' listener (TLS has its own test).
      const document = parseYaml(await readFile(join(repoRoot, 'deploy', 'agents', `${id}.yaml`), 'utf8')) as {
        mqtt: Record<string, unknown>;
      };
      delete document.mqtt.tls;
      const agent = await startAgent(parseAgentConfig(document, { env, baseDir: join(repoRoot, 'deploy', 'agents') }), {
        controlServer: false,
        log: createLogger(`acs:${id}`, { level: process.env.ACS_TEST_VERBOSE ? 'debug' : 'error' }),
        mqtt: { reconnectPeriodMs: 200, reconnectMaxMs: 1000, ackTimeoutMs: 3000 },
      });
      cleanups.push(() => agent.stop());
      agents.push(agent);
    }
    await waitFor(
      () => agents.every((a) => a.mqttConnected && a.permissionVersion !== null),
      'both agents online with their permission sets',
      30_000,
    );
    const burstStart = Date.now();

    // The burst: both agents decide badges as fast as readers hand them over.
    const decided = new Map<string, number>();
    for (const agent of agents) agent.decisions.on('decision', (d) => decided.set(d.event.eventId, d.event.seq));
    const cards = ['em4100:3887558', 'em4100:1234567', 'em4100:7654321'];
    const burst = async (agent: RunningAgent) => {
      const readers = agent.hardware.readers.filter((r) => r.id.endsWith('-in'));
      for (let i = 0; i < BADGES_PER_AGENT; i += 1) {
        const reader = readers[i % readers.length]!;
        reader.emit('card', { readerId: reader.id, credential: cards[i % cards.length]!, receivedAtNs: process.hrtime.bigint() });
        if (i % 10 === 0) await sleep(2);
      }
    };
    const bursts = agents.map((a) => burst(a));
    // Kill the first instance once events are flowing through all three.
    await waitFor(
      async () => Number((await cluster.query<{ n: string }>('SELECT count(*) AS n FROM events'))[0]!.n) >= 200,
      'events flowing',
      30_000,
    );
    doomed!.process.kill('SIGKILL');
    const killedAt = Date.now();
    await Promise.all(bursts);
    assert.equal(decided.size, BADGES_PER_AGENT * 2, 'every badge decided at the door');

    const stored = await waitFor(
      async () => {
        const rows = await cluster.query<{ event_id: string; agent_id: string; seq: string }>('SELECT event_id, agent_id, seq FROM events');
        const outboxes = await Promise.all(agents.map((a) => a.outboxSize()));
        return rows.length >= decided.size && outboxes.every((n) => n === 0) ? rows : null;
      },
      'every decided event stored and every outbox empty',
      90_000,
    );
    const storedIds = new Set(stored.map((r) => r.event_id));
    const lost = [...decided.keys()].filter((id) => !storedIds.has(id));
    const perAgentSeq = new Set(stored.map((r) => `${r.agent_id}:${r.seq}`));
    assert.deepEqual(lost, [], 'no decided event lost');
    assert.equal(perAgentSeq.size, stored.length, 'no sequence number of an agent stored twice');
    assert.equal(stored.filter((r) => decided.has(r.event_id)).length, decided.size);

    await waitFor(
      () => [...decided.keys()].every((id) => seenLive.has(id)),
      'the dashboard on a surviving instance to have seen every event',
      30_000,
    ).catch(() => undefined);
    const missedLive = [...decided.keys()].filter((id) => !seenLive.has(id));
    assert.deepEqual(missedLive.length, 0, `the surviving dashboard missed ${missedLive.length} events`);

    // A revocation made through a survivor reaches both agents.
    const cards2 = (await api<CardView[]>(second!.url, 'GET', '/api/cards', token)).body;
    const zhang = cards2.find((c) => c.credential === 'em4100:3887558')!;
    const revoked = await api(second!.url, 'POST', `/api/cards/${zhang.id}/transition`, token, { to: 'suspended', note: 'cluster test' });
    assert.equal(revoked.status, 201, JSON.stringify(revoked.body));
    const version = Number(
      (await cluster.query<{ permission_version: string }>('SELECT permission_version FROM site_settings'))[0]!.permission_version,
    );
    await waitFor(() => agents.every((a) => (a.permissionVersion ?? 0) >= version), `both agents holding version ${version}`, 20_000);
    for (const agent of agents) {
      const reader = agent.hardware.readers.find((r) => r.id.endsWith('-in'))!;
      const decision = new Promise<string>((resolve) => agent.decisions.once('decision', (d) => resolve(d.decision.reason)));
      reader.emit('card', { readerId: reader.id, credential: 'em4100:3887558', receivedAtNs: process.hrtime.bigint() });
      assert.equal(await decision, 'card_suspended');
    }

    // Each periodic job ran at most once per period, and no period was skipped unless the run
    // of the period before still held it (a run that outlasts its period, or a killed holder
    // whose lease had not yet run out, pushes the next period out: by design, the job being
    // idempotent); never two periods in a row.
    type Run = { job: string; period: string; outcome: string; instance_id: string; started_at: string; finished_at: string | null };
    const runs = await waitFor(
      async () => {
        const rows = await cluster.query<Run>(
          `SELECT job, period, outcome, instance_id, started_at, finished_at FROM job_runs WHERE started_at >= $1 ORDER BY job, period`,
          [burstStart],
        );
        return rows.filter((r) => r.job === 'alerts-sweep' && Number(r.started_at) > killedAt && r.outcome === 'done').length >= 4
          ? rows
          : null;
      },
      'four alert sweeps after the kill',
      40_000,
    );
    const sweeps = runs.filter((r) => r.job === 'alerts-sweep');
    const donePerPeriod = new Map<string, number>();
    for (const r of runs)
      if (r.outcome === 'done') donePerPeriod.set(`${r.job}:${r.period}`, (donePerPeriod.get(`${r.job}:${r.period}`) ?? 0) + 1);
    assert.deepEqual(
      [...donePerPeriod.entries()].filter(([, n]) => n > 1),
      [],
      'no period completed twice',
    );
    const periodMs = Math.round(Number(sweeps[0]!.started_at) / Number(sweeps[0]!.period));
    const periods = [...new Set(sweeps.map((r) => Number(r.period)))].sort((a, b) => a - b);
    const skipped: number[] = [];
    for (let p = periods[0]!; p < periods[periods.length - 1]!; p += 1) {
      if (donePerPeriod.has(`alerts-sweep:${p}`)) continue;
      skipped.push(p);
      const heldOver = sweeps.some((r) => Number(r.period) === p - 1 && (r.finished_at === null || Number(r.finished_at) >= p * periodMs));
      assert.ok(heldOver, `alerts-sweep period ${p} skipped though period ${p - 1}'s run had ended before it began`);
    }
    assert.deepEqual(
      skipped.filter((p) => skipped.includes(p - 1)),
      [],
      'no two alerts-sweep periods in a row skipped',
    );
    assert.deepEqual(
      runs.filter((r) => r.instance_id === 'instance-0' && Number(r.started_at) > killedAt),
      [],
      'the killed instance ran nothing after its death',
    );
    assert.ok(
      new Set(sweeps.filter((r) => Number(r.started_at) > killedAt).map((r) => r.instance_id)).size >= 1,
      'the survivors took the sweeps over',
    );
  });

  testUnless(existsSync(NGINX_BIN) ? false : 'nginx is not installed (apt-get install nginx-light)')(
    'through the example nginx load balancer (HTTP and HTTPS) the dashboard loads and a socket (polling, then WebSocket) gets live events, one instance being dead',
    async () => {
      const nginx = await startNginx(cluster.instances.map((i) => i.url));
      cleanups.push(() => nginx.stop());
      const page = await fetch(`${nginx.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root">/);
      // HTTPS at the load balancer, with the lab certificate, verified against the lab CA.
      const secure = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
        httpsGet(`${nginx.httpsUrl}/api/health`, { ca: readFileSync(nginx.caFile) }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'], body }));
        }).on('error', reject);
      });
      assert.equal(secure.status, 200, secure.body);
      assert.match(secure.hsts ?? '', /max-age=\d+/);
      const login = await api<LoginResponse>(nginx.url, 'POST', '/api/auth/login', null, {
        username: 'admin',
        password: CLUSTER_ADMIN_PASSWORD,
      });
      assert.equal(login.status, 200);
      const socket: Socket<ServerToClientEvents> = io(nginx.url, {
        auth: { token: login.body.token },
        reconnection: false,
        forceNew: true,
      });
      cleanups.push(async () => socket.close());
      const seen: string[] = [];
      socket.on('event:v1', (event: EventView) => seen.push(event.eventId));
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
      await waitFor(() => socket.io.engine.transport.name === 'websocket', 'the upgrade to WebSocket through nginx', 10_000);
      const agent = agents[1]!;
      const reader = agent.hardware.readers.find((r) => r.id.endsWith('-in'))!;
      const decided = new Promise<string>((resolve) => agent.decisions.once('decision', (d) => resolve(d.event.eventId)));
      reader.emit('card', { readerId: reader.id, credential: 'em4100:1234567', receivedAtNs: process.hrtime.bigint() });
      const eventId = await decided;
      await waitFor(() => seen.includes(eventId), 'the badge pushed through the load balancer', 15_000);
    },
  );
});
