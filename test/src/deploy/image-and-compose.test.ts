// What can be proven about the image and the compose file without a Docker engine: the
// compose file as docker-compose resolves it, the Dockerfile's runtime stage as text, and
// the runtime's command run as a non-root user against a fresh data folder.
import { execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from '@jest/globals';
import { describeUnless, testUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { parse } from 'yaml';
import { repoRoot } from '../support/system.js';

const run = promisify(execFile);

// Distinct dummy secrets, so a value that leaks into the wrong service is recognisable.
const SECRETS = {
  ACS_POSTGRES_PASSWORD: 'dummy-postgres-password',
  ACS_MQTT_SERVER_PASSWORD: 'dummy-mqtt-server-password',
  ACS_AGENT_1_MQTT_PASSWORD: 'dummy-agent-1-password',
  ACS_AGENT_2_MQTT_PASSWORD: 'dummy-agent-2-password',
  ACS_ADMIN_PASSWORD: 'dummy-admin-password',
  ACS_SECRET_KEY_FILE: 'dummy-key-file',
};

interface Service {
  command?: string[] | string;
  environment?: Record<string, string | null>;
  /** docker-compose 1.x prints the short form (`source:target[:mode]`), 2.x the long one. */
  volumes?: Array<string | { type: string; source?: string; target: string }>;
}

interface Mount {
  named: boolean;
  target: string;
}

function mounts(service: Service): Mount[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { named: v.type === 'volume', target: v.target };
    const [source, target] = v.split(':');
    return { named: !/^[./~]/.test(source!), target: target! };
  });
}

const composeSkip = await run('docker-compose', ['version'])
  .then(() => false as const)
  .catch(() => 'docker-compose is not installed');

async function composeConfig(profile?: string): Promise<Record<string, Service>> {
  const args = ['-f', 'docker-compose.yml', ...(profile ? ['--profile', profile] : []), 'config'];
  const { stdout } = await run('docker-compose', args, { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...SECRETS } });
  return (parse(stdout) as { services: Record<string, Service> }).services;
}

const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));
const isLongRunningServer = (s: Service) => commandOf(s) === 'node server/dist/main.js';
const isAgent = (s: Service) => commandOf(s).includes('edge-agent/dist/main.js');

interface RuntimeStage {
  lines: string[];
  /** Folders a RUN before USER both creates and hands to `node`. */
  ownedByNode: string[];
  user: string | null;
  cmd: string[];
}

/** The last stage of the Dockerfile, continuation lines joined. */
async function runtimeStage(): Promise<RuntimeStage> {
  const text = (await readFile(join(repoRoot, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const all = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const lines = all.slice(all.map((l) => /^FROM\b/i.test(l)).lastIndexOf(true));
  const userIndex = lines.findIndex((l) => /^USER\b/i.test(l));
  const ownedByNode: string[] = [];
  for (const line of lines.slice(0, userIndex < 0 ? lines.length : userIndex)) {
    if (!/^RUN\b/i.test(line)) continue;
    const created = [...line.matchAll(/mkdir\s+(?:-p\s+)?([^&;]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
    const chowned = [...line.matchAll(/chown\s+(?:-R\s+)?node(?::node)?\s+([^&;]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
    ownedByNode.push(...created.filter((p) => chowned.includes(p)));
  }
  const cmdLine = lines.find((l) => /^CMD\b/i.test(l));
  return {
    lines,
    ownedByNode,
    user: userIndex < 0 ? null : lines[userIndex]!.split(/\s+/)[1]!,
    cmd: cmdLine ? (JSON.parse(cmdLine.replace(/^CMD\s+/i, '')) as string[]) : [],
  };
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder.replace(/\/$/, '')}/`);

describeUnless(composeSkip)('compose file', () => {
  test('the long-running servers receive neither the admin password nor any agent password', async () => {
    const services = await composeConfig('scaled');
    const servers = Object.entries(services).filter(([, s]) => isLongRunningServer(s));
    assert.deepEqual(servers.map(([name]) => name).sort(), ['server', 'server-1', 'server-2']);
    const foreign = [SECRETS.ACS_ADMIN_PASSWORD, SECRETS.ACS_AGENT_1_MQTT_PASSWORD, SECRETS.ACS_AGENT_2_MQTT_PASSWORD];
    for (const [name, service] of servers) {
      const env = service.environment ?? {};
      assert.deepEqual(
        Object.keys(env).filter((k) => /ADMIN_PASSWORD|AGENT.*PASSWORD/.test(k)),
        [],
        `${name}'s variables`,
      );
      for (const [key, value] of Object.entries(env))
        assert.ok(!foreign.some((secret) => String(value).includes(secret)), `${name}: ${key} carries another's password`);
    }
    // The one-shot set-up still gets them: it creates the admin and the agents' accounts.
    const setup = services['server-setup']!.environment!;
    assert.equal(setup.ACS_ADMIN_PASSWORD, SECRETS.ACS_ADMIN_PASSWORD);
    assert.equal(setup.ACS_AGENT_1_MQTT_PASSWORD, SECRETS.ACS_AGENT_1_MQTT_PASSWORD);
  });

  test('every named volume an agent mounts lies in a folder the image creates and gives to node, the user it runs as', async () => {
    const stage = await runtimeStage();
    assert.equal(stage.user, 'node');
    const agents = Object.entries(await composeConfig()).filter(([, s]) => isAgent(s));
    assert.ok(agents.length >= 2);
    for (const [name, agent] of agents) {
      const named = mounts(agent).filter((m) => m.named);
      assert.ok(named.length > 0, `${name} mounts a named volume`);
      for (const volume of named) {
        assert.ok(
          stage.ownedByNode.some((folder) => under(volume.target, folder)),
          `${name}: ${volume.target} is not under ${stage.ownedByNode.join(', ') || 'any folder chowned to node'}`,
        );
      }
      const dataDir = agent.environment?.ACS_AGENT_DATA_DIR;
      assert.ok(dataDir && named.some((v) => under(posix.normalize(dataDir), v.target)), `${name}: ACS_AGENT_DATA_DIR is on its volume`);
    }
  });
});

describe('runtime image', () => {
  test("copies built output and production packages only, never the dashboard build stage's node_modules or the whole build tree", async () => {
    const stage = await runtimeStage();
    const copies = stage.lines.filter((l) => /^COPY\b/i.test(l));
    assert.ok(copies.length > 0);
    for (const copy of copies) {
      assert.doesNotMatch(copy, /--from=build\s+\/app\s/, 'the whole build tree');
      assert.doesNotMatch(copy, /--from=build\s+\S*node_modules/, 'node_modules with build-time packages');
      assert.doesNotMatch(copy, /^COPY\s+\.\s/, 'the build context');
    }
    const text = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
    const install = /FROM\s+\S+\s+AS\s+deps[\s\S]*?RUN\s+(npm ci[^\n]*(?:\\\n[^\n]*)*)/i.exec(text)?.[1] ?? '';
    assert.match(install, /--omit=dev/);
    assert.match(install, /--workspace=server/);
    assert.doesNotMatch(install, /dashboard/, 'the dashboard is shipped as its compiled bundle');
    assert.ok(
      copies.some((c) => /dashboard\/dist/.test(c)),
      'the compiled dashboard is in the image',
    );
  });

  const skip = process.getuid?.() === 0 ? false : 'needs root to run the command as another user (setpriv)';
  testUnless(skip)("the image's command, run as a non-root user against a fresh data folder it owns, starts the server", async () => {
    const stage = await runtimeStage();
    assert.deepEqual(stage.cmd.slice(0, 1), ['node']);
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-image-data-'));
    // nobody (65534) stands in for the image's node user: neither owns the code it runs.
    await chown(dataDir, 65534, 65534);
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...stage.cmd.slice(1)], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        ACS_DATA_DIR: dataDir,
        ACS_HOST: '127.0.0.1',
        ACS_HTTP_PORT: String(httpPort),
        ACS_MQTT_PORT: String(mqttPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline && child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${httpPort}/api/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(status, 200, `the server did not answer; its output:\n${output}`);
      assert.ok((await readdir(dataDir)).includes('acs.sqlite'), 'the database was created in the data folder');
    } finally {
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
