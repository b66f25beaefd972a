/**
 * Agent-side causes that only a separate agent process can have: its clock is off (the
 * real agent started under libfaketime, as a Pi without a real-time clock or NTP runs),
 * and it hangs while still connected (SIGSTOP), so it falls behind the permission version
 * until it runs again (SIGCONT). Each must reach the guard as its alert, and clear.
 */
import { afterAll, describe, test } from '@jest/globals';
import { testUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertView } from '@acs/shared/api/alerts';
import type { AgentView } from '@acs/shared/api/agents';
import { startTestServer, waitFor, type TestServer } from '@acs/server/testing/server-harness';
import { repoRoot } from '../support/system.js';

const AGENT_MAIN = join(repoRoot, 'edge-agent', 'dist', 'main.js');
const DEMO_CONFIG = join(repoRoot, 'edge-agent', 'config', 'demo.yaml');
const FAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'].find((p) =>
  existsSync(p),
);

describe('alerts whose cause is the agent process itself', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  /** The real agent binary on the demo configuration, against `server`. */
  async function spawnAgent(server: TestServer, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-agent-process-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [AGENT_MAIN, '--config', DEMO_CONFIG], {
      env: {
        ...process.env,
        ACS_AGENT_MQTT_URL: server.server.mqttUrl,
        ACS_AGENT_MQTT_PASSWORD: await server.demoAgentPassword(),
        ACS_AGENT_DATA_DIR: dataDir,
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    cleanups.push(async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('close', r)));
    });
    child.once('exit', (code) => {
      if (code !== null && code !== 0) process.stderr.write(`agent exited ${code}: ${stderr}\n`);
    });
    return child;
  }

  async function agent(server: TestServer, token: string): Promise<AgentView> {
    const res = await server.request<AgentView[]>('GET', '/api/agents', { token });
    return res.body.find((a) => a.id === 'agent-1')!;
  }

  async function alerts(server: TestServer, token: string, type: string): Promise<AlertView[]> {
    return (await server.request<AlertView[]>('GET', '/api/alerts?scope=recent', { token })).body.filter((a) => a.type === type);
  }

  testUnless(FAKETIME ? false : 'libfaketime is not installed (apt-get install faketime)')(
    'an agent whose clock is five minutes fast raises clock_drift with how far off it is',
    async () => {
      const server = await startTestServer({ mode: 'demo' });
      cleanups.push(() => server.close());
      const guard = await server.token('guard');
      await spawnAgent(server, { LD_PRELOAD: FAKETIME!, FAKETIME: '+300s', FAKETIME_DONT_RESET: '1' });
      const [drift] = await waitFor(
        async () => {
          const found = await alerts(server, guard, 'clock_drift');
          return found.length > 0 ? found : null;
        },
        'clock_drift from the agent that confirmed its permissions with a clock 300 s ahead',
        30_000,
      );
      assert.equal(drift!.agentId, 'agent-1');
      assert.match(drift!.detail ?? '', /agent clock ahead by (29[5-9]|30[0-5])\.\d s/);
      assert.equal(drift!.active, true);
      assert.equal(drift!.severity, 'warning');
    },
  );

  test('an agent that hangs while connected raises sync_lagging; running again, it catches up and the alert clears', async () => {
    const server = await startTestServer({ mode: 'demo' });
    cleanups.push(() => server.close());
    const admin = await server.token('admin');
    const guard = await server.token('guard');
    assert.equal((await server.request('PUT', '/api/alerts/rules', { token: admin, body: { syncLagSeconds: 10 } })).status, 200);
    const child = await spawnAgent(server);
    const version = (await server.request<{ permissionVersion: number }>('GET', '/api/site', { token: admin })).body.permissionVersion;
    await waitFor(
      async () => {
        const a = await agent(server, admin);
        return a.online && (a.appliedVersion ?? 0) >= version;
      },
      'the agent online with the current permissions',
      20_000,
    );

    child.kill('SIGSTOP');
    // A change the hung agent does not apply: the lab door's held-open time.
    assert.equal((await server.request('PATCH', '/api/doors/lab', { token: admin, body: { heldOpenMs: 45_000 } })).status, 200);
    const [lag] = await waitFor(
      async () => {
        const found = await alerts(server, guard, 'sync_lagging');
        return found.length > 0 ? found : null;
      },
      'sync_lagging while the agent is stopped but still connected',
      25_000,
    );
    assert.equal(lag!.agentId, 'agent-1');
    assert.match(lag!.detail ?? '', /applied \d+, current \d+, behind for \d+ s/);
    assert.equal((await agent(server, admin)).online, true, 'still connected: the broker has not given up on it yet');

    child.kill('SIGCONT');
    await waitFor(
      async () => {
        const [again] = await alerts(server, guard, 'sync_lagging');
        return again && !again.active ? again : null;
      },
      'sync_lagging cleared once the agent applies the new version',
      25_000,
    );
    const caughtUp = await agent(server, admin);
    assert.ok((caughtUp.appliedVersion ?? 0) > version, `applied ${caughtUp.appliedVersion}, was ${version}`);
  });
});
