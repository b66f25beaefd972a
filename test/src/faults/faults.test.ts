import { afterAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { createLogger, loadAgentConfig, startAgent, type RunningAgent } from '@acs/edge-agent';
import { startBroker, type TestBroker } from '@acs/edge-agent/test-support/broker';
import { EventEntity } from '@acs/server/events/event.entity';
import { startTestServer, waitFor, type TestServer } from '@acs/server/testing/server-harness';
import { repoRoot } from '../support/system.js';

const DEMO_CONFIG = join(repoRoot, 'edge-agent', 'config', 'demo.yaml');
const BURST_AGENT = fileURLToPath(new URL('./burst-agent.js', import.meta.url));
const quiet = () => createLogger('acs:agent', { level: process.env.ACS_TEST_VERBOSE ? 'debug' : 'error' });

async function storedEvents(server: TestServer, agentId: string): Promise<Array<{ seq: number; eventId: string; kind: string }>> {
  return server.server.app
    .get(DataSource)
    .getRepository(EventEntity)
    .find({ select: { seq: true, eventId: true, kind: true }, where: { agentId }, order: { seq: 'ASC' } });
}

/** Every sequence number from 1 to the highest is there exactly once. */
function assertComplete(rows: Array<{ seq: number }>, atLeast: number): void {
  const seqs = rows.map((r) => r.seq);
  assert.ok(seqs.length >= atLeast, `${seqs.length} events stored, expected at least ${atLeast}`);
  assert.equal(new Set(seqs).size, seqs.length, 'no event stored twice');
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    'no gap in the sequence',
  );
}

describe('fault injection: the agent loses no event', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test('SIGKILL in the middle of a burst: after a restart every decided event reaches the server, once', async () => {
    const server = await startTestServer({ mode: 'demo' });
    cleanups.push(() => server.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-sigkill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = {
      ...process.env,
      BURST_CONFIG: DEMO_CONFIG,
      ACS_AGENT_MQTT_URL: server.server.mqttUrl,
      ACS_AGENT_MQTT_PASSWORD: await server.demoAgentPassword(),
      ACS_AGENT_DATA_DIR: dataDir,
    };

    const child = spawn(process.execPath, [BURST_AGENT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stderr = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (stderr += d));
    const decided = () => [...output.matchAll(/^decided (\d+)$/gm)].map((m) => Number(m[1]));
    await waitFor(() => decided().length >= 2000 || child.exitCode !== null, 'the burst to be under way', 30_000);
    assert.equal(child.exitCode, null, `the burst agent died by itself: ${stderr}`);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const seen = decided();
    const highestSeen = Math.max(...seen);
    assert.ok(seen.length >= 2000);

    // The same agent, started again on the same data folder.
    const config = loadAgentConfig(DEMO_CONFIG, { env });
    const agent: RunningAgent = await startAgent(config, {
      controlServer: false,
      log: quiet(),
      mqtt: { reconnectPeriodMs: 200, reconnectMaxMs: 1000 },
    });
    cleanups.push(() => agent.stop());
    // The restarted agent drains thousands of events (how many depends on how far the burst got
    // before the kill); on a loaded machine that takes longer than any fixed deadline suits, so
    // the wait fails only when the drain stops making progress.
    let stored: Array<{ seq: number }> = [];
    let outbox = -1;
    let progressAt = Date.now();
    for (;;) {
      const [nowStored, nowOutbox] = [await storedEvents(server, 'agent-1'), await agent.outboxSize()];
      if (nowStored.length !== stored.length || nowOutbox !== outbox) progressAt = Date.now();
      [stored, outbox] = [nowStored, nowOutbox];
      if (stored.length >= highestSeen && outbox === 0) break;
      if (Date.now() - progressAt > 20_000) {
        const have = new Set(stored.map((r) => r.seq));
        const missing = Array.from({ length: highestSeen }, (_, i) => i + 1).filter((seq) => !have.has(seq));
        assert.fail(
          `the drain stopped for 20 s: ${stored.length} stored of ${highestSeen} decided, outbox ${outbox}, ` +
            `missing ${missing.length} (first ${missing.slice(0, 10).join(', ')}); agent online ${agent.mqttConnected}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const rows = stored;
    assertComplete(rows, highestSeen);
  });

  test('broker down while badges continue: after it returns, zero events lost and zero stored twice', async () => {
    let broker: TestBroker = await startBroker();
    const port = broker.port;
    const server = await startTestServer({ mode: 'demo', mqttUrl: broker.url, mqttClientId: 'acs-server-faults' });
    cleanups.push(() => server.close());
    cleanups.push(() => broker.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-outage-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = { ACS_AGENT_MQTT_URL: broker.url, ACS_AGENT_MQTT_PASSWORD: await server.demoAgentPassword(), ACS_AGENT_DATA_DIR: dataDir };
    const agent = await startAgent(loadAgentConfig(DEMO_CONFIG, { env }), {
      controlServer: false,
      log: quiet(),
      mqtt: { reconnectPeriodMs: 200, reconnectMaxMs: 1000 },
    });
    cleanups.push(() => agent.stop());
    await waitFor(() => agent.permissionVersion !== null && agent.mqttConnected, 'the agent online with its permission set', 15_000);

    const decisions: Array<{ granted: boolean; reason: string }> = [];
    agent.decisions.on('decision', (d) => decisions.push({ granted: d.decision.granted, reason: d.decision.reason }));
    const badgeBurst = (n: number) => {
      const readers = agent.hardware.readers;
      for (let i = 0; i < n; i++) {
        const reader = readers[i % readers.length]!;
        reader.emit('card', {
          readerId: reader.id,
          credential: i % 2 ? 'em4100:3887558' : 'em4100:7654321',
          receivedAtNs: process.hrtime.bigint(),
        });
      }
    };
    badgeBurst(50);
    await waitFor(async () => (await storedEvents(server, 'agent-1')).length >= 50, 'the first 50 events at the server', 15_000);

    await broker.close();
    await waitFor(() => !agent.mqttConnected, 'the agent to notice the outage');
    badgeBurst(300);
    assert.equal(decisions.length, 350, 'doors keep deciding with the broker down');
    assert.ok(
      decisions.slice(50).some((d) => d.granted),
      'and keep granting from the local set',
    );
    await new Promise((r) => setTimeout(r, 1500));

    broker = await startBroker(port);
    const rows = await waitFor(
      async () => {
        const r = await storedEvents(server, 'agent-1');
        return r.filter((e) => e.kind === 'access').length >= 350 && (await agent.outboxSize()) === 0 ? r : null;
      },
      'the backlog to reach the server after the outage',
      30_000,
    );
    assertComplete(rows, 350);
    assert.equal(rows.filter((e) => e.kind === 'access').length, 350, 'each of the 350 decisions stored once');
  });
});
