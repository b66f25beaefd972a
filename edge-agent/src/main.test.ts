import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { tempDir } from './test-support/fixtures.js';
import { finished, runNode } from './test-support/spawn.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function simConfig(dataDir: string) {
  return {
    version: 1,
    agentId: 'agent-cli',
    mqtt: { url: 'mqtt://127.0.0.1:1', password: 'never-printed-secret' },
    dataDir,
    gpio: { provider: 'sim' },
    readers: [{ id: 'r1', door: 'lab', direction: 'in', type: 'rdm6300', serial: { path: 'sim/r1', driver: 'sim' } }],
    doors: [{ id: 'lab', lock: { line: 23 }, contact: { line: 24 } }],
    sim: { controlServer: false },
  };
}

describe('acs-agent command line', () => {
  test('exits 2 with the usage on an unknown flag', async () => {
    const result = await runNode(MAIN, ['--confgi', 'x.yaml']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown option '--confgi'/);
    assert.match(result.stderr, /usage: acs-agent --config <file>/);
  });

  test('exits 2 without a configuration', async () => {
    const result = await runNode(MAIN, [], { env: { ACS_AGENT_CONFIG: '' } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no configuration/);
  });

  test('exits 2 naming the field of a bad configuration', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const config = simConfig(join(dir.path, 'data'));
    (config.doors[0]!.lock as { line: unknown }).line = 'x';
    const file = join(dir.path, 'agent.yaml');
    await writeFile(file, stringify(config));
    const result = await runNode(MAIN, ['--config', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /agent\.yaml/);
    assert.match(result.stderr, /doors\[0\]\.lock\.line: expected number/);
  });

  test('runs until SIGTERM, then relocks and stops cleanly without logging the password', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const file = join(dir.path, 'agent.yaml');
    await writeFile(file, stringify(simConfig(join(dir.path, 'data'))));
    const child = spawn(process.execPath, [MAIN, '--config', file], { stdio: 'pipe', env: { ...process.env, ACS_LOG_LEVEL: 'debug' } });
    const done = finished(child);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`agent did not start:\n${seen}`)), 10_000);
      child.stderr.on('data', (d) => {
        seen += d;
        if (seen.includes('agent agent-cli running')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /SIGTERM received; relocking doors/);
    assert.match(result.stderr, /agent agent-cli stopped/);
    assert.doesNotMatch(result.stderr + result.stdout, /never-printed-secret/);
  });
});
