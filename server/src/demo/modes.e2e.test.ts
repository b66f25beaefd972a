import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { ApiError } from '@acs/shared/api/http';
import type { ZoneView } from '@acs/shared/api/zones';
import { addAgent, createAdmin, describeError, migrate, seedDemoSite } from '../cli-commands.js';
import { StartupError } from '../common/startup-error.js';
import type { HealthView } from '@acs/shared/api/health';
import { connectAgent, startTestServer } from '../testing/server-harness.js';
import { demoAgentPasswordFile } from './demo-seeder.service.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'acs-modes-test-'));
}

describe('production mode', () => {
  test('refuses to start without an admin, naming the command; create-admin then start works', async () => {
    const dir = await tempDir();
    try {
      await assert.rejects(startTestServer({ mode: 'production', dataDir: dir }), (err: unknown) => {
        assert.ok(err instanceof StartupError);
        assert.match(err.message, /needs an administrator/);
        assert.match(err.message, /node server\/dist\/cli\.js create-admin --username <name>/);
        return true;
      });

      // The CLI's own wiring (flags, exit codes) is tested below by running it; here its command runs in-process.
      const env = { ACS_DATA_DIR: dir };
      const weak = join(dir, 'weak-password');
      await writeFile(weak, 'short\n');
      await assert.rejects(createAdmin({ username: 'boss', passwordFile: weak }, env), (err: unknown) => {
        assert.match(describeError(err), /password must be at least 10 characters/);
        return true;
      });
      const good = join(dir, 'admin-password');
      await writeFile(good, 'a sound passphrase 42\n', { mode: 0o600 });
      await createAdmin({ username: 'Boss', displayName: 'The Boss', passwordFile: good }, env);

      const t = await startTestServer({ mode: 'production', dataDir: dir });
      try {
        assert.deepEqual((await t.request<HealthView>('GET', '/api/health')).body.status, 'ok');
        assert.equal((await t.request<HealthView>('GET', '/api/health')).body.mode, 'production');
        const login = await t.login('boss', 'a sound passphrase 42');
        assert.equal(login.user.role, 'admin');
        assert.equal(login.user.displayName, 'The Boss');
        assert.deepEqual((await t.request<ZoneView[]>('GET', '/api/zones', { token: login.token })).body, [], 'nothing seeded');
        const demo = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'admin', password: 'admin-demo' } });
        assert.equal(demo.status, 401);
      } finally {
        await t.server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('main.js exits 1 with the message when no admin exists', async () => {
    const dir = await tempDir();
    try {
      const result = await run(MAIN, [], {
        ACS_MODE: 'production',
        ACS_DATA_DIR: dir,
        ACS_HTTP_PORT: '0',
        ACS_MQTT_PORT: '0',
        ACS_HOST: '127.0.0.1',
        ACS_LOG_LEVEL: 'error',
      });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Production mode needs an administrator/);
      assert.match(result.stderr, /create-admin --username <name>/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('demo accounts of a database seeded in demo mode cannot sign in in production mode', async () => {
    const dir = await tempDir();
    try {
      const demo = await startTestServer({ dataDir: dir });
      await demo.server.close();
      await assert.rejects(startTestServer({ mode: 'production', dataDir: dir }), /needs an administrator/);
      await createAdmin({ username: 'root-admin' }, { ACS_DATA_DIR: dir, ACS_ADMIN_PASSWORD: 'another passphrase 7' });
      const t = await startTestServer({ mode: 'production', dataDir: dir });
      try {
        for (const username of ['admin', 'guard', 'zhangwei', 'auditor']) {
          const res = await t.request<ApiError>('POST', '/api/auth/login', { body: { username, password: `${username}-demo` } });
          assert.equal(res.status, 401, username);
        }
        assert.equal((await t.login('root-admin', 'another passphrase 7')).user.role, 'admin');
        assert.ok(t.logs.matching(/demo account\(s\); production mode refuses their sign-in/, 'warn').length === 1);
      } finally {
        await t.server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('production set-up commands (as docker-compose runs them)', () => {
  test('migrate, create-admin, add-agent and seed-demo-site can run twice; the server then starts with them', async () => {
    const dir = await tempDir();
    const env = {
      ACS_DATA_DIR: dir,
      ACS_MODE: 'production',
      ACS_ADMIN_PASSWORD: 'compose keeper passphrase',
      AGENT_1_PASSWORD: 'agent-one-password-0123456789',
    };
    try {
      for (let round = 0; round < 2; round++) {
        await migrate(env);
        await createAdmin({ username: 'admin', ifMissing: true }, env);
        await addAgent({ id: 'agent-1', passwordEnv: 'AGENT_1_PASSWORD', ifMissing: true }, env);
        await seedDemoSite({ ifEmpty: true }, env);
      }
      await assert.rejects(seedDemoSite({}, env), /already has zones or people/);
      await assert.rejects(addAgent({ id: 'agent-2', passwordEnv: 'UNSET_VARIABLE' }, env), /UNSET_VARIABLE: that variable is not set/);
      const t = await startTestServer({ mode: 'production', dataDir: dir });
      try {
        const admin = (await t.login('admin', 'compose keeper passphrase')).token;
        assert.equal((await t.request<ZoneView[]>('GET', '/api/zones', { token: admin })).body.length, 4);
        assert.equal(
          (await t.request('POST', '/api/auth/login', { body: { username: 'guard', password: 'guard-demo' } })).status,
          401,
          'no demo accounts',
        );
        const agent = await connectAgent(t.server.mqttUrl, 'agent-1', env.AGENT_1_PASSWORD);
        await agent.endAsync();
      } finally {
        await t.server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('command line', () => {
  test('bad flags and unknown commands print usage and exit 2', async () => {
    const unknownFlag = await run(CLI, ['create-admin', '--user', 'x'], {});
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /Unknown option '--user'/);
    assert.match(unknownFlag.stderr, /Usage: node server\/dist\/cli\.js/);
    assert.equal((await run(CLI, ['launch-rockets'], {})).code, 2);
    assert.equal((await run(CLI, ['add-agent', '--id', 'Bad/Id'], {})).code, 2);
  });

  test('create-admin, migrate and add-agent work on the configured database; the agent password is printed once', async () => {
    const dir = await tempDir();
    try {
      const passwordFile = join(dir, 'pw');
      await writeFile(passwordFile, 'correct horse battery\n');
      const created = await run(CLI, ['create-admin', '--username', 'Boss', '--password-file', passwordFile], { ACS_DATA_DIR: dir });
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /applied migration InitialSchema/);
      assert.match(created.stdout, /created administrator "boss"/);
      const duplicate = await run(CLI, ['create-admin', '--username', 'boss'], {
        ACS_DATA_DIR: dir,
        ACS_ADMIN_PASSWORD: 'correct horse battery',
      });
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stderr, /user boss already exists/);
      const migrated = await run(CLI, ['migrate'], { ACS_DATA_DIR: dir });
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.match(migrated.stdout, /up to date/);
      const added = await run(CLI, ['add-agent', '--id', 'agent-7', '--name', 'Seventh'], { ACS_DATA_DIR: dir });
      assert.equal(added.code, 0, added.stderr);
      const password = added.stdout.trim();
      assert.match(password, /^[A-Za-z0-9_-]{32}$/);
      const t = await startTestServer({ dataDir: dir });
      try {
        const client = await connectAgent(t.server.mqttUrl, 'agent-7', password);
        await client.endAsync();
      } finally {
        await t.server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('demo mode', () => {
  test('keeps the demo agent’s MQTT password file (mode 0600) across restarts, matching the stored hash', async () => {
    const dir = await tempDir();
    try {
      const first = await startTestServer({ dataDir: dir });
      const file = demoAgentPasswordFile(dir);
      const password = (await readFile(file, 'utf8')).trim();
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      await first.server.close();
      const second = await startTestServer({ dataDir: dir });
      try {
        assert.equal((await readFile(file, 'utf8')).trim(), password);
        const client = await connectAgent(second.server.mqttUrl, 'agent-1', password);
        await client.endAsync();
        assert.equal(second.logs.matching(/seeded the demo site/).length, 0, 'not seeded twice');
      } finally {
        await second.server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
