/**
 * A cluster on this machine, the way docker-compose's scaled profile runs one: Mosquitto from
 * the project's own configuration (agents' and servers' listeners on ephemeral ports), one
 * fresh PostgreSQL schema prepared with the same set-up commands, and N server processes
 * (`server/dist/main.js`) sharing the agents' traffic through one shared-subscription group.
 * Not a test file itself: the cluster test and `npm run bench -- cluster` use it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { addAgent, createAdmin, migrate, seedDemoSite } from '@acs/server/cli-commands';
import { type RunningMosquitto, startMosquitto } from '@acs/server/testing/mosquitto';
import { repoRoot } from '../support/system.js';

const SERVER_MAIN = join(repoRoot, 'server', 'dist', 'main.js');
export const CLUSTER_ADMIN_PASSWORD = 'cluster keeper passphrase';

export interface ServerInstance {
  index: number;
  url: string;
  process: ChildProcess;
  output(): string;
}

export interface Cluster {
  mosquitto: RunningMosquitto;
  schema: string;
  postgresUrl: string;
  agentPasswords: Record<string, string>;
  instances: ServerInstance[];
  /** Starts one more instance (index = instances.length). */
  addInstance(): Promise<ServerInstance>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function serverEnv(base: Record<string, string>, index: number, dataDir: string): Record<string, string> {
  return {
    ...base,
    ACS_HTTP_PORT: '0',
    ACS_HOST: '127.0.0.1',
    ACS_MQTT_CLIENT_ID: `acs-server-${index}`,
    ACS_MQTT_SHARED_GROUP: 'acs-servers',
    ACS_INSTANCE_ID: `instance-${index}`,
    ACS_DATA_DIR: dataDir,
    ACS_LOG_LEVEL: process.env.ACS_TEST_VERBOSE ? 'log' : 'warn',
  };
}

async function spawnInstance(env: Record<string, string>, index: number): Promise<ServerInstance> {
  const child = spawn(
    process.execPath,
    [...(process.env.ACS_CLUSTER_NODE_ARGS ? process.env.ACS_CLUSTER_NODE_ARGS.split(' ') : []), SERVER_MAIN],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-200_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-200_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${index} did not start within 60 s:\n${output.slice(-4000)}`)), 60_000);
    const check = () => {
      const m = /Dashboard\s+http:\/\/localhost:(\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${index} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
  return { index, url, process: child, output: () => output };
}

export interface ClusterOptions {
  /**
   * Register the agents with plain rows instead of the `add-agent` command (which hashes an
   * operator-chosen password at the people's cost): for a thousand benchmark agents. Mosquitto
   * checks their passwords; the rows only have to exist.
   */
  bulkAgents?: boolean;
}

/** Prepares the database as the compose set-up does, then starts `count` instances. */
export async function startCluster(
  postgresUrl: string,
  count: number,
  agentIds: readonly string[] = ['agent-1', 'agent-2'],
  options: ClusterOptions = {},
): Promise<Cluster> {
  const secret = () => randomBytes(18).toString('base64url');
  const agentPasswords = Object.fromEntries(agentIds.map((id) => [id, secret()]));
  const serverPassword = secret();
  const mosquitto = await startMosquitto({ 'acs-server': serverPassword, ...agentPasswords });
  const schema = `acs_cluster_${randomBytes(5).toString('hex')}`;
  const dataRoot = await mkdtemp(join(tmpdir(), 'acs-cluster-'));
  const base: Record<string, string> = {
    ACS_MODE: 'production',
    ACS_DB: 'postgres',
    ACS_DATABASE_URL: postgresUrl,
    ACS_DB_SCHEMA: schema,
    ACS_MQTT_URL: mosquitto.serverUrl,
    ACS_MQTT_USERNAME: 'acs-server',
    ACS_MQTT_PASSWORD: serverPassword,
    ACS_ADMIN_PASSWORD: CLUSTER_ADMIN_PASSWORD,
  };
  const setupEnv = { ...process.env, ...base, ACS_DATA_DIR: join(dataRoot, 'setup') };
  await migrate(setupEnv);
  await createAdmin({ username: 'admin', ifMissing: true }, setupEnv);
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  if (options.bulkAgents) {
    const now = Date.now();
    for (let i = 0; i < agentIds.length; i += 500) {
      const chunk = agentIds.slice(i, i + 500);
      const values = chunk.map((_, k) => `($${k + 1}, $${k + 1}, '!', false, 0, ${now})`).join(', ');
      await pool.query(
        `INSERT INTO "${schema}".agents (id, name, mqtt_password_hash, online, contiguous_seq, created_at) VALUES ${values}`,
        chunk,
      );
    }
  } else {
    for (const id of agentIds) {
      const variable = `ACS_CLUSTER_${id.replace(/\W/g, '_').toUpperCase()}_PASSWORD`;
      await addAgent({ id, passwordEnv: variable, ifMissing: true }, { ...setupEnv, [variable]: agentPasswords[id] });
    }
  }
  await seedDemoSite({ ifEmpty: true, doorAgents: agentIds.includes('agent-2') ? { 'machine-room': 'agent-2' } : {} }, setupEnv);

  const instances: ServerInstance[] = [];
  const cluster: Cluster = {
    mosquitto,
    schema,
    postgresUrl,
    agentPasswords,
    instances,
    async addInstance() {
      const index = instances.length;
      const instance = await spawnInstance(serverEnv(base, index, join(dataRoot, `instance-${index}`)), index);
      instances.push(instance);
      return instance;
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const client = await pool.connect();
      try {
        await client.query(`SET search_path TO "${schema}"`);
        return (await client.query(sql, params)).rows as T[];
      } finally {
        client.release();
      }
    },
    async close() {
      for (const instance of instances) {
        if (instance.process.exitCode === null && instance.process.signalCode === null) {
          instance.process.kill('SIGTERM');
          await new Promise((r) => {
            const timer = setTimeout(() => (instance.process.kill('SIGKILL'), r(null)), 10_000);
            instance.process.once('exit', () => (clearTimeout(timer), r(null)));
          });
        }
      }
      await mosquitto.stop();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i += 1) await cluster.addInstance();
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

export const NGINX_BIN = '/usr/sbin/nginx';

export interface RunningNginx {
  url: string;
  /** The HTTPS server of the example, with a certificate from deploy/tls/make-lab-certs.sh. */
  httpsUrl: string;
  /** The lab CA that signed it. */
  caFile: string;
  stop(): Promise<void>;
}

/**
 * nginx with the project's load-balancer example (deploy/nginx/acs.conf), its upstream
 * servers replaced by `backends` and its listener by an ephemeral loopback port.
 */
export async function startNginx(backends: readonly string[]): Promise<RunningNginx> {
  const { readFile, writeFile } = await import('node:fs/promises');
  const { createServer } = await import('node:net');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const dir = await mkdtemp(join(tmpdir(), 'acs-nginx-'));
  const freePort = () =>
    new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
  const port = await freePort();
  const httpsPort = await freePort();
  const certs = join(dir, 'certs');
  await promisify(execFile)(join(repoRoot, 'deploy', 'tls', 'make-lab-certs.sh'), [certs]);
  const example = await readFile(join(repoRoot, 'deploy', 'nginx', 'acs.conf'), 'utf8');
  const servers = backends.map((b) => `    server ${new URL(b).host} max_fails=1 fail_timeout=5s;`).join('\n');
  const site = example
    .replace(/^\s*server \S+:3000 .*;\n/gm, '')
    .replace(/ip_hash;\n/, `ip_hash;\n${servers}\n`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace(/listen 8443 ssl http2;/, `listen 127.0.0.1:${httpsPort} ssl http2;`)
    .replaceAll('/etc/nginx/certs/', `${certs}/`);
  await writeFile(join(dir, 'site.conf'), site);
  const main = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    `  include ${join(dir, 'site.conf')};`,
    '}',
  ].join('\n');
  await writeFile(join(dir, 'nginx.conf'), main);
  const child = spawn(NGINX_BIN, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`nginx did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    caFile: join(certs, 'ca.crt'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
