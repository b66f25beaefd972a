import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from './agent.js';
import {
  captureLogger,
  demoPermissionSet,
  simAgentConfig,
  snapshot,
  TAG_CONTRACTOR,
  TAG_EMPLOYEE,
  until,
} from './test-support/fixtures.js';
import { brokerAndServer } from './test-support/broker.js';
import { runNode } from './test-support/spawn.js';
import { runSimCli } from '@acs/hardware-sim';

const SIM_CLI = fileURLToPath(import.meta.resolve('@acs/hardware-sim/cli'));

describe('acs-sim against a running simulated agent', () => {
  test("presents cards and moves doors through the agent's control server", async () => {
    const { dir, broker, server } = await brokerAndServer();
    const config = simAgentConfig(join(dir.path, 'agent-1'), broker.url, { sim: { controlServer: true } });
    const agent = await startAgent(config, { log: captureLogger().logger });
    onTestFinished(() => agent.stop());
    await server.waitFor('sync');
    await server.publish('permissions', snapshot(demoPermissionSet()));
    await server.waitFor('applied');
    assert.ok(agent.controlServer, 'the control server runs in sim mode');
    // The executable once, end to end; the other commands in this process (same code, faster).
    const spawned = (...args: string[]) => runNode(SIM_CLI, [...args, '--data-dir', dir.path]);
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runSimCli([...args, '--data-dir', dir.path], {
        out: (l) => (stdout += `${l}\n`),
        err: (l) => (stderr += `${l}\n`),
      });
      return { code, stdout, stderr };
    };

    const list = await cli('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /agent-1 .*doors: office-gate, lab, machine-room/);

    const granted = await spawned('badge', '--door', 'machine-room', '--card', String(TAG_EMPLOYEE));
    assert.equal(granted.code, 0, granted.stderr);
    assert.equal(granted.stdout.trim(), 'machine-room: card 0003887558 → lock released (granted)');

    const denied = await cli('badge', '--door', 'machine-room', '--card', String(TAG_CONTRACTOR));
    assert.equal(denied.code, 0, denied.stderr);
    assert.equal(denied.stdout.trim(), 'machine-room: card 0007654321 → stayed locked (denied)');

    const forced = await cli('door', 'force', '--door', 'lab');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /lab: force → door open, lock locked/);
    await until(
      () => server.events().some((e) => e.kind === 'door' && e.type === 'forced_open' && e.doorId === 'lab'),
      3000,
      'forced_open',
    );

    const locked = await cli('door', 'open', '--door', 'office-gate');
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /door office-gate is locked/);

    const unknown = await cli('badge', '--door', 'loading-dock', '--card', '1');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown door 'loading-dock'.*office-gate, lab, machine-room/);

    await agent.stop();
    const gone = await cli('badge', '--door', 'lab', '--card', '1');
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /no running simulated agent/);
  });
});
