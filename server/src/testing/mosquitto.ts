// Starts a real Mosquitto for tests, configured from the deployment's own files
// (deploy/mosquitto/mosquitto.conf and acl) so the tests check what production runs.
// Not a test file itself.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../config/server-config.js';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';

/** Why Mosquitto tests cannot run here, or false. */
export function mosquittoMissing(): string | false {
  if (!existsSync(MOSQUITTO_BIN)) return `${MOSQUITTO_BIN} is not installed (Debian: apt-get install mosquitto)`;
  if (!existsSync(MOSQUITTO_PASSWD_BIN)) return `${MOSQUITTO_PASSWD_BIN} is not installed (Debian: apt-get install mosquitto)`;
  return false;
}

export interface RunningMosquitto {
  /** The agents' listener. */
  url: string;
  /** The server instances' listener (client ids are not replaced by usernames there). */
  serverUrl: string;
  /** Everything Mosquitto printed (its log goes to stdout). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The deployment configuration with only what a test must change: the listener (an
 * ephemeral port on loopback), the file locations, no persistence, and when running as
 * root the user to stay (Mosquitto would otherwise switch to `mosquitto`, who cannot read
 * the temporary files).
 */
export function testConfig(deployConf: string, dir: string, ports: readonly number[]): string {
  const lines: string[] = [];
  let listeners = 0;
  for (const line of deployConf.split('\n')) {
    const [directive] = line.trim().split(/\s+/);
    switch (directive) {
      case 'listener':
        lines.push(`listener ${ports[listeners++]} 127.0.0.1`);
        break;
      case 'password_file':
        lines.push(`password_file ${join(dir, 'passwd')}`);
        break;
      case 'acl_file':
        lines.push(`acl_file ${join(dir, 'acl')}`);
        break;
      case 'persistence':
        lines.push('persistence false');
        break;
      case 'persistence_location':
        break;
      default:
        lines.push(line);
    }
  }
  if (process.getuid?.() === 0) lines.push(`user ${userInfo().username}`);
  return `${lines.join('\n')}\n`;
}

/** Starts Mosquitto with the deployment's config and ACL and one account per entry of `accounts`. */
export async function startMosquitto(accounts: Record<string, string>): Promise<RunningMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-mosquitto-'));
  const deploy = join(REPO_ROOT, 'deploy', 'mosquitto');
  await copyFile(join(deploy, 'acl'), join(dir, 'acl'));
  const passwd = join(dir, 'passwd');
  // Plain `user:password` lines hashed in place in one run (a thousand agents for the benchmark).
  await writeFile(passwd, Object.entries(accounts).map(([username, password]) => `${username}:${password}\n`).join(''), { mode: 0o600 });
  await promisify(execFile)(MOSQUITTO_PASSWD_BIN, ['-U', passwd]);
  const port = await freePort();
  const serverPort = await freePort();
  await writeFile(join(dir, 'mosquitto.conf'), testConfig(await readFile(join(deploy, 'mosquitto.conf'), 'utf8'), dir, [port, serverPort]));
  let output = '';
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!(await accepting(port)) || !(await accepting(serverPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      await rm(dir, { recursive: true, force: true });
      throw new Error(`Mosquitto did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    serverUrl: `mqtt://127.0.0.1:${serverPort}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
