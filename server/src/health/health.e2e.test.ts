import { afterAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { HealthView } from '@acs/shared/api/health';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobRunEntity } from '../jobs/job-lease.entity.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

interface HealthBody {
  status: 'ok' | 'error';
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
}

/** An external broker the test can stop and start again on the same port. */
class StoppableBroker {
  private server: Server | null = null;
  private broker: Aedes | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const broker = await Aedes.createBroker();
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    this.broker = broker;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    this.server = null;
    this.broker = null;
  }
}

async function ready(t: TestServer) {
  return t.request<HealthBody>('GET', '/api/health/ready');
}

describe('health', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  test('liveness answers 200 and the old /api/health body stays as it was', async () => {
    const t = await startTestServer();
    servers.push(t);
    const live = await t.request<HealthBody>('GET', '/api/health/live');
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'ok');
    const old = await t.request<HealthView>('GET', '/api/health');
    assert.equal(old.status, 200);
    assert.equal(old.body.status, 'ok');
    assert.equal(old.body.mode, 'demo');
  });

  test('readiness reports the database, the broker and the jobs up on a running server', async () => {
    const t = await startTestServer();
    servers.push(t);
    const res = await ready(t);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.info?.['database']?.status, 'up');
    assert.equal(res.body.info?.['broker']?.status, 'up');
    assert.equal(res.body.info?.['jobs']?.status, 'up');
  });

  test('readiness turns 503 within seconds of a stopped external broker and recovers when it is back', async () => {
    const broker = new StoppableBroker();
    await broker.start();
    const t = await startTestServer({ mqttUrl: `mqtt://127.0.0.1:${broker.port}` });
    servers.push(t);
    try {
      await waitFor(async () => (await ready(t)).status === 200, 'ready with the broker');
      const stoppedAt = Date.now();
      await broker.stop();
      const down = await waitFor(
        async () => {
          const r = await ready(t);
          return r.status === 503 ? r : null;
        },
        'not ready without the broker',
        5000,
      );
      assert.ok(Date.now() - stoppedAt < 5000);
      assert.equal(down.body.error?.['broker']?.status, 'down');
      assert.equal(down.body.info?.['database']?.status, 'up', 'only the broker is blamed');
      assert.equal((await t.request('GET', '/api/health/live')).status, 200, 'liveness does not depend on the broker');
      await broker.start();
      await waitFor(async () => (await ready(t)).status === 200, 'ready again once the broker is back', 10_000);
    } finally {
      await broker.stop();
    }
  });

  test('readiness turns 503 when the database connection is gone and recovers when it is open again', async () => {
    const t = await startTestServer();
    servers.push(t);
    const ds: DataSource = t.dataSource();
    await ds.destroy();
    const down = await ready(t);
    assert.equal(down.status, 503);
    assert.equal(down.body.error?.['database']?.status, 'down');
    await ds.initialize();
    const up = await ready(t);
    assert.equal(up.status, 200, JSON.stringify(up.body));
  });

  test('readiness names a database whose migrations are not all applied', async () => {
    const t = await startTestServer();
    servers.push(t);
    const ds = t.dataSource();
    const [last] = await ds.query<
      Array<{
        name: string;
        timestamp: number;
      }>
    >('SELECT name, timestamp FROM migrations ORDER BY timestamp DESC LIMIT 1');
    await ds.query('DELETE FROM migrations WHERE name = ?', [last!.name]);
    const down = await ready(t);
    assert.equal(down.status, 503);
    assert.match(down.body.error?.['database']?.message ?? '', new RegExp(last!.name));
    await ds.query('INSERT INTO migrations (timestamp, name) VALUES (?, ?)', [last!.timestamp, last!.name]);
    assert.equal((await ready(t)).status, 200);
  });

  test('readiness names a job whose last completed run is far older than its period', async () => {
    const t = await startTestServer();
    servers.push(t);
    const ds = t.dataSource();
    // A history without a completed run, on an instance scheduling its jobs for ten periods: they stopped long ago.
    await ds.getRepository(JobRunEntity).clear();
    const leases = t.server.app.get(JobLeases);
    const scheduled = (leases as unknown as { scheduled: Map<string, { periodMs: number; since: number }> }).scheduled;
    for (const entry of scheduled.values()) entry.since = Date.now() - 10 * entry.periodMs - 120_000;
    const down = await ready(t);
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.match(down.body.error?.['jobs']?.message ?? '', /no recent run of/);
    const now = Date.now();
    await ds.getRepository(JobRunEntity).insert(
      [...scheduled.entries()].map(([job, { periodMs }]) => ({
        id: randomUUID(),
        job,
        period: Math.floor(now / periodMs),
        instanceId: 'elsewhere',
        startedAt: now - 10,
        finishedAt: now,
        outcome: 'done' as const,
      })),
    );
    const up = await ready(t);
    assert.equal(up.status, 200, JSON.stringify(up.body));
  });
});
