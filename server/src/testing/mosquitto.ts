// Starts a real Mosquitto for tests, configured from the deployment's own files
// (deploy/mosquitto/mosquitto.conf and acl) so the tests check what production runs.
// Not a test file itself.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, posix } from 'node:path';
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
  /** The agents' TLS listener (`mqtts://127.0.0.1:<port>`, an address the lab certificate carries), when started with `tls`. */
  tlsUrl?: string;
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

/** The deployment's TLS listener for agents (deploy/mosquitto/mosquitto.conf). */
const TLS_LISTENER_PORT = '8883';
const TLS_FILES = new Set(['cafile', 'certfile', 'keyfile']);

/**
 * The deployment configuration with only what a test must change: the listener (an
 * ephemeral port on loopback), the file locations, no persistence, and when running as
 * root the user to stay (Mosquitto would otherwise switch to `mosquitto`, who cannot read
 * the temporary files). The TLS listener is kept when `tls` names a folder with the
 * files make-lab-certs.sh writes (its port is then the last of `ports`), and left out
 * otherwise, with the settings that follow it up to the next listener.
 */
export function testConfig(
  deployConf: string,
  dir: string,
  ports: readonly number[],
  tls?: { certDir: string; extra?: readonly string[] },
): string {
  const lines: string[] = [];
  let listeners = 0;
  let inTlsListener = false;
  for (const line of deployConf.split('\n')) {
    const [directive, value] = line.trim().split(/\s+/);
    if (directive === 'listener') inTlsListener = value === TLS_LISTENER_PORT;
    if (inTlsListener && !tls) continue;
    if (directive && TLS_FILES.has(directive) && tls) {
      lines.push(`${directive} ${join(tls.certDir, posix.basename(value ?? ''))}`);
      continue;
    }
    switch (directive) {
      case 'listener':
        lines.push(`listener ${inTlsListener ? ports[ports.length - 1] : ports[listeners++]} 127.0.0.1`);
        if (inTlsListener) lines.push(...(tls?.extra ?? []));
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

export interface MosquittoOptions {
  /**
   * Also start the agents' TLS listener with the certificates in `certDir` (ca.crt,
   * broker.crt, broker.key); `extra` lines go to that listener (e.g. `require_certificate true`).
   */
  tls?: { certDir: string; extra?: readonly string[] };
}

/** Starts Mosquitto with the deployment's config and ACL and one account per entry of `accounts`. */
export async function startMosquitto(accounts: Record<string, string>, options: MosquittoOptions = {}): Promise<RunningMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-mosquitto-'));
  const deploy = join(REPO_ROOT, 'deploy', 'mosquitto');
  await copyFile(join(deploy, 'acl'), join(dir, 'acl'));
  const passwd = join(dir, 'passwd');
  // Plain `user:password` lines hashed in place in one run (a thousand agents for the benchmark).
  await writeFile(
    passwd,
    Object.entries(accounts)
      .map(([username, password]) => `${username}:${password}\n`)
      .join(''),
    { mode: 0o600 },
  );
  await promisify(execFile)(MOSQUITTO_PASSWD_BIN, ['-U', passwd]);
  const port = await freePort();
  const serverPort = await freePort();
  const tlsPort = options.tls ? await freePort() : null;
  const ports = tlsPort === null ? [port, serverPort] : [port, serverPort, tlsPort];
  await writeFile(join(dir, 'mosquitto.conf'), testConfig(await readFile(join(deploy, 'mosquitto.conf'), 'utf8'), dir, ports, options.tls));
  let output = '';
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!(await accepting(port)) || !(await accepting(serverPort)) || (tlsPort !== null && !(await accepting(tlsPort)))) {
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
    ...(tlsPort !== null ? { tlsUrl: `mqtts://127.0.0.1:${tlsPort}` } : {}),
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
