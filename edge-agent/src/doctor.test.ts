import { test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthenticateError } from 'aedes';
import { stringify } from 'yaml';
import { startBroker } from './test-support/broker.js';
import { tempDir } from './test-support/fixtures.js';
import { runNode } from './test-support/spawn.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const PASSWORD = 'right-password';

/** The sim demo agent as a YAML document, as an installer would write it. */
function configDocument(mqttUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    agentId: 'agent-1',
    mqtt: { url: mqttUrl, password: PASSWORD },
    dataDir: './data',
    gpio: { provider: 'sim' },
    readers: [{ id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: 'sim/gate-in', driver: 'sim' } }],
    doors: [{ id: 'gate', lock: { line: 17 } }],
    sim: { controlServer: false },
    ...overrides,
  };
}

async function brokerWithPassword() {
  return startBroker(0, {
    authenticate: (_client, username, password, done) => {
      if (username === 'agent-1' && password?.toString() === PASSWORD) return done(null, true);
      const refused: AuthenticateError = Object.assign(new Error('bad credentials'), { returnCode: 4 as const });
      done(refused, false);
    },
  });
}

test('the doctor passes a good sim installation, checks the clock against the server, and exits 0', async () => {
  const dir = await tempDir();
  onTestFinished(() => dir.remove());
  const broker = await brokerWithPassword();
  onTestFinished(() => broker.close());
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const file = join(dir.path, 'agent.yaml');
  await writeFile(file, stringify(configDocument(broker.url)));

  const result = await runNode(MAIN, ['doctor', '--config', file, '--server', serverUrl], { env: { ACS_AGENT_MQTT_PASSWORD: '' } });

  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^ok\s+config\s/m);
  assert.match(result.stdout, /^ok\s+broker\s+connected to mqtt:\/\/127\.0\.0\.1:\d+ as agent-1/m);
  assert.match(result.stdout, /^ok\s+clock\s+within \d+ s of the server's/m);
  assert.match(result.stdout, /^ok\s+disk\s/m);
  assert.match(result.stdout, /^skipped\s+gpio\s+simulated/m);
  assert.match(result.stdout, /nothing to fix/);
  assert.doesNotMatch(result.stdout, /PROBLEM/);
});

test('the doctor names a missing serial port, a refused password and an unwritable data folder, and exits 1', async () => {
  const dir = await tempDir();
  onTestFinished(() => dir.remove());
  const broker = await brokerWithPassword();
  onTestFinished(() => broker.close());
  // A data folder under a regular file cannot be created, even by root.
  await writeFile(join(dir.path, 'not-a-folder'), '');
  const file = join(dir.path, 'agent.yaml');
  await writeFile(
    file,
    stringify(
      configDocument(broker.url, {
        mqtt: { url: broker.url, password: 'wrong-password' },
        dataDir: './not-a-folder/data',
        readers: [
          { id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: '/dev/ttyACS-missing', driver: 'system' } },
        ],
      }),
    ),
  );

  const result = await runNode(MAIN, ['doctor', '--config', file], { env: { ACS_AGENT_MQTT_PASSWORD: '' } });

  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /^PROBLEM\s+serial gate-in\s+\/dev\/ttyACS-missing does not exist: .*readers\[\]\.serial\.path/m);
  assert.match(result.stdout, /^PROBLEM\s+broker\s+the broker refused agent-1's credentials .*check mqtt\.username and mqtt\.password/m);
  assert.match(result.stdout, /^PROBLEM\s+disk\s+the data folder .*not-a-folder\/data cannot be created or written/m);
  assert.match(result.stdout, /^skipped\s+clock\s+cannot check without the server/m);
  assert.match(result.stdout, /3 problems to fix/);
});

test('the doctor reports an invalid configuration file and checks nothing else', async () => {
  const dir = await tempDir();
  onTestFinished(() => dir.remove());
  const file = join(dir.path, 'agent.yaml');
  await writeFile(file, stringify(configDocument('mqtt://127.0.0.1:1', { doors: [] })));

  const result = await runNode(MAIN, ['doctor', '--config', file]);

  assert.equal(result.code, 1);
  assert.match(result.stdout, /^PROBLEM\s+config\s+doors: .*agent\.yaml/m);
  assert.doesNotMatch(result.stdout, /broker/);
});
