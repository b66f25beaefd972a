/**
 * `acs-agent doctor`: the installer's first command after wiring a Raspberry Pi. Checks
 * what the agent needs before it can run a door (config, serial ports, GPIO, broker,
 * TLS, clock, disk) and says, per check, what to fix. It never drives a line or opens a
 * port for real: a door being installed must not click.
 */
import { accessSync, constants } from 'node:fs';
import { access, mkdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { connectAsync } from 'mqtt';
import { agentClientId } from '@acs/shared/mqtt/topics';
import {
  AgentConfigError,
  isSerialReader,
  loadAgentConfig,
  resolveMqttPassword,
  resolveMqttTls,
  tlsErrorHint,
  type AgentConfig,
  type Env,
  type MqttTlsOptions,
} from './config/agent-config.js';
import { findGpioBase } from './hardware/onoff-gpio.js';

export type CheckStatus = 'ok' | 'problem' | 'skipped';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  /** What was found, and for a problem what to do about it. */
  detail: string;
}

export interface DoctorOptions {
  env?: Env;
  cwd?: string;
  /** The server's base URL, for the clock check (its HTTP Date header). */
  serverUrl?: string;
  /** Per network check. Default 5 s. */
  timeoutMs?: number;
  /** Below this much free space for the outbox is a problem. Default 100 MiB. */
  minFreeBytes?: number;
  /** A clock further off than this is a problem. Default 5 s. */
  maxClockOffsetMs?: number;
}

const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
const problem = (check: string, detail: string): CheckResult => ({ check, status: 'problem', detail });
const skipped = (check: string, detail: string): CheckResult => ({ check, status: 'skipped', detail });

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs every check; the config check first, the others only when it passed. */
export async function runDoctor(configFile: string, options: DoctorOptions = {}): Promise<CheckResult[]> {
  let config: AgentConfig;
  try {
    config = loadAgentConfig(configFile, { ...(options.env ? { env: options.env } : {}), ...(options.cwd ? { cwd: options.cwd } : {}) });
  } catch (err) {
    const detail = err instanceof AgentConfigError ? `${err.problems.join('; ')} (in ${err.source})` : message(err);
    return [problem('config', detail)];
  }
  const results: CheckResult[] = [ok('config', `${config.configFile} is valid (agent ${config.agentId})`)];
  results.push(...(await checkSerialPorts(config)));
  results.push(checkGpio(config));
  const tls = await loadTls(config);
  if (tls.result) results.push(tls.result);
  results.push(await checkBroker(config, tls.options, tls.result?.status === 'problem', options.timeoutMs ?? 5000));
  results.push(await checkClock(options.serverUrl, options.timeoutMs ?? 5000, options.maxClockOffsetMs ?? 5000));
  results.push(await checkDisk(config.dataDir, options.minFreeBytes ?? 100 * 1024 * 1024));
  return results;
}

async function checkSerialPorts(config: AgentConfig): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const reader of config.readers) {
    if (!isSerialReader(reader)) continue;
    const name = `serial ${reader.id}`;
    if (reader.serial.driver !== 'system') {
      out.push(skipped(name, `simulated port ${reader.serial.path}`));
      continue;
    }
    const path = reader.serial.path;
    try {
      await stat(path);
    } catch {
      out.push(
        problem(
          name,
          `${path} does not exist: check the wiring or USB adapter, enable the UART (raspi-config → Interface → Serial, no login shell) or fix readers[].serial.path`,
        ),
      );
      continue;
    }
    try {
      await access(path, constants.R_OK | constants.W_OK);
      out.push(ok(name, `${path} is readable and writable`));
    } catch {
      out.push(
        problem(
          name,
          `${path} is not readable and writable by this user: add the agent's user to the dialout group (sudo usermod -aG dialout <user>, then log in again)`,
        ),
      );
    }
  }
  return out;
}

function checkGpio(config: AgentConfig): CheckResult {
  if (config.gpio.provider === 'sim') return skipped('gpio', 'simulated GPIO (gpio.provider: sim)');
  const root = config.gpio.sysfsRoot;
  let base: number;
  let chip: string;
  try {
    const found = findGpioBase(root, config.gpio.chipLabel);
    base = found.base;
    chip = `${found.chip.name} '${found.chip.label}'`;
    const lines = config.doors
      .flatMap((d) => [d.lock.line, d.contact?.line, d.exitButton?.line])
      .filter((l): l is number => l !== undefined);
    const ngpio = found.chip.ngpio;
    const beyond = ngpio === null ? [] : lines.filter((l) => l >= ngpio);
    if (beyond.length > 0)
      return problem(
        'gpio',
        `${chip} has ${ngpio} lines; lines ${beyond.join(', ')} are not on it: fix the door's line numbers (BCM) or gpio.chipLabel`,
      );
  } catch (err) {
    return problem('gpio', message(err));
  }
  // The agent exports each line through sysfs; without write access to export it cannot drive a lock.
  const exportFile = join(root, 'export');
  try {
    accessSync(exportFile, constants.W_OK);
  } catch {
    return problem(
      'gpio',
      `${exportFile} is not writable by this user: add the agent's user to the gpio group (sudo usermod -aG gpio <user>)`,
    );
  }
  return ok('gpio', `${chip} (base ${base}) found; ${exportFile} is writable`);
}

async function loadTls(config: AgentConfig): Promise<{ options?: MqttTlsOptions; result?: CheckResult }> {
  const secure = ['mqtts:', 'wss:'].includes(new URL(config.mqtt.url).protocol);
  if (!secure)
    return {
      result: skipped(
        'tls',
        `${config.mqtt.url.split('://')[0]}:// without TLS: the broker's identity and the password travel unprotected; use mqtts:// and mqtt.tls.caFile on a site network`,
      ),
    };
  try {
    const options = await resolveMqttTls(config);
    if (options === undefined)
      return { result: skipped('tls', "mqtts:// without mqtt.tls: the broker is checked against the system's CAs only") };
    return { options, result: await checkTlsHandshake(config.mqtt.url, options) };
  } catch (err) {
    return { result: problem('tls', err instanceof AgentConfigError ? err.problems.join('; ') : message(err)) };
  }
}

/** A bare TLS handshake, so a certificate problem is told apart from an MQTT one. */
function checkTlsHandshake(url: string, tls: MqttTlsOptions, timeoutMs = 5000): Promise<CheckResult> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host,
      port: Number(port || 8883),
      ...tls,
      ...(tls.servername === undefined && !/^[\d.:]+$/.test(host) ? { servername: host } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(problem('tls', `no TLS handshake with ${host}:${port} within ${timeoutMs} ms: see the broker check`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      // Empty when the peer sent no certificate, whatever the type says.
      const cert: Partial<PeerCertificate> = socket.getPeerCertificate();
      socket.end();
      resolve(
        ok(
          'tls',
          `the broker's certificate (${String(cert.subject?.CN ?? 'no CN')}, valid until ${cert.valid_to}) verifies against mqtt.tls.caFile`,
        ),
      );
    });
    socket.once('error', (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      const hint = tlsErrorHint(err);
      resolve(problem('tls', hint ? `${hint} (${err.message})` : `handshake failed: ${err.message}`));
    });
  });
}

async function checkBroker(
  config: AgentConfig,
  tls: MqttTlsOptions | undefined,
  tlsFailed: boolean,
  timeoutMs: number,
): Promise<CheckResult> {
  if (tlsFailed) return skipped('broker', 'not tried: fix TLS first');
  let password: string | undefined;
  try {
    password = await resolveMqttPassword(config);
  } catch (err) {
    return problem('broker', err instanceof AgentConfigError ? err.problems.join('; ') : message(err));
  }
  try {
    // With use_username_as_clientid the broker renames us to the agent anyway: a running agent on this account is disconnected once.
    const client = await connectAsync(config.mqtt.url, {
      clientId: `${agentClientId(config.agentId)}-doctor`,
      username: config.mqtt.username,
      ...(password !== undefined ? { password } : {}),
      ...(tls ?? {}),
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      clean: true,
    });
    await client.endAsync();
    return ok('broker', `connected to ${config.mqtt.url} as ${config.mqtt.username}`);
  } catch (err) {
    const text = message(err);
    if (/not authori[sz]ed|bad user ?name or password/i.test(text)) {
      return problem(
        'broker',
        `the broker refused ${config.mqtt.username}'s credentials (${text}): check mqtt.username and mqtt.password/passwordFile against the broker's password file`,
      );
    }
    const hint = tlsErrorHint(err);
    if (hint) return problem('broker', `${hint} (${text})`);
    return problem(
      'broker',
      `cannot reach ${config.mqtt.url} (${text || 'timed out'}): check the host name and port, the network, and that the broker runs`,
    );
  }
}

async function checkClock(serverUrl: string | undefined, timeoutMs: number, maxOffsetMs: number): Promise<CheckResult> {
  if (!serverUrl)
    return skipped(
      'clock',
      'cannot check without the server: pass --server <url> (e.g. https://acs.example.org); schedules and event times depend on this clock',
    );
  const sent = Date.now();
  let date: string | null;
  try {
    const response = await fetch(new URL('/api/health', serverUrl), { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    date = response.headers.get('date');
  } catch (err) {
    return problem('clock', `cannot reach ${serverUrl}: ${message(err)}`);
  }
  const received = Date.now();
  if (!date) return skipped('clock', `${serverUrl} sent no Date header`);
  // The Date header has whole seconds: up to a second of the offset is its rounding.
  const offset = (sent + received) / 2 - (Date.parse(date) + 500);
  const seconds = (offset / 1000).toFixed(1);
  if (Math.abs(offset) > maxOffsetMs) {
    return problem(
      'clock',
      `this device's clock is ${seconds} s off the server's: enable NTP (timedatectl set-ntp true) or fit an RTC; a Pi without either starts at its last shutdown time`,
    );
  }
  return ok('clock', `within ${Math.max(1, Math.abs(Number(seconds)))} s of the server's`);
}

async function checkDisk(dataDir: string, minFreeBytes: number): Promise<CheckResult> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch (err) {
    return problem(
      'disk',
      `the data folder ${dataDir} cannot be created or written (${message(err)}): fix dataDir or the folder's owner (chown <agent user> ${dataDir})`,
    );
  }
  const fs = await statfs(dataDir);
  const free = fs.bavail * fs.bsize;
  const mib = (n: number) => `${Math.floor(n / 1024 / 1024)} MiB`;
  if (free < minFreeBytes) {
    return problem(
      'disk',
      `${mib(free)} free for the outbox in ${dataDir} (want ${mib(minFreeBytes)}): events wait there while the server is away; free space or move dataDir`,
    );
  }
  return ok('disk', `${mib(free)} free in ${dataDir} for the outbox`);
}

/** One line per check, for a terminal. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const mark: Record<CheckStatus, string> = { ok: 'ok     ', problem: 'PROBLEM', skipped: 'skipped' };
  return results.map((r) => `${mark[r.status]}  ${r.check.padEnd(width)}  ${r.detail}`).join('\n');
}
