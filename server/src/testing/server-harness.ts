// Helpers for the server's tests: a server on ephemeral ports with a temporary data
// folder, captured logs, signed-in fetch, MQTT agents and waiting. Not a test file itself.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import type { LoginResponse } from '@acs/shared/api/users';
import { agentClientId } from '@acs/shared/mqtt/topics';
import { PasswordHasher } from '../auth/password-hasher.js';
import { demoAgentPasswordFile } from '../demo/demo-seeder.service.js';
import type { ServerConfig } from '../config/server-config.js';
import { type RunningServer, type StartOptions, startServer } from '../server.js';

export interface LogLine {
  level: string;
  context: string;
  message: string;
}

/** Keeps every log line for assertions; prints them only when ACS_TEST_VERBOSE is set. */
export class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  private readonly echo = Boolean(process.env.ACS_TEST_VERBOSE);

  private add(level: string, message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? String(params[params.length - 1]) : '';
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    this.lines.push({ level, context, message: text });
    if (this.echo) console.error(`[${level}] ${context}: ${text}`);
  }
  log(message: unknown, ...params: unknown[]) {
    this.add('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.add('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.add('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.add('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.add('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.add('fatal', message, params);
  }

  matching(pattern: RegExp, level?: string): LogLine[] {
    return this.lines.filter((l) => (level === undefined || l.level === level) && pattern.test(l.message));
  }
}

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class TestServer {
  constructor(
    readonly server: RunningServer,
    readonly dataDir: string,
    readonly logs: CapturingLogger,
  ) {}

  get url(): string {
    return this.server.httpUrl;
  }

  /** `form` is sent as multipart/form-data (fetch sets the boundary). */
  async request<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; form?: FormData } = {},
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | FormData | null = null;
    if (options.form !== undefined) {
      body = options.form;
    } else if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  async login(username: string, password: string): Promise<LoginResponse> {
    const res = await this.request<LoginResponse>('POST', '/api/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async token(username: string): Promise<string> {
    return (await this.login(username, `${username}-demo`)).token;
  }

  /** The server's database connection, for tests that look behind the API (or tamper with it). */
  dataSource(): DataSource {
    return this.server.app.get(DataSource);
  }

  async demoAgentPassword(): Promise<string> {
    return (await readFile(demoAgentPasswordFile(this.dataDir), 'utf8')).trim();
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-server-test-'));
  const logs = new CapturingLogger();
  const server = await startServer(
    { dataDir, httpPort: 0, mqttPort: 0, host: '127.0.0.1', mqttUrl: null, dashboardDir: join(dataDir, 'no-dashboard'), ...overrides },
    // Cheaper scrypt than production (2^12 instead of 2^15) keeps sign-in tests fast;
    // password-hasher.test.ts covers the production parameters.
    { logger: logs, hasher: new PasswordHasher({ logN: 12, r: 8, p: 1 }), ...options },
  );
  return new TestServer(server, dataDir, logs);
}

/** Connects as an agent (username = agent id, its own client id unless told otherwise) to the server's broker. */
export async function connectAgent(
  url: string,
  agentId: string,
  password: string,
  options: { clientId?: string } = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: options.clientId ?? agentClientId(agentId),
    username: agentId,
    password,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
}

/** Collects the messages a client receives, to wait for or count them. */
export class MessageLog {
  readonly messages: Array<{ topic: string; payload: string }> = [];
  constructor(client: MqttClient) {
    client.on('message', (topic, payload) => this.messages.push({ topic, payload: payload.toString('utf8') }));
  }
  on(topic: string): Array<{ topic: string; payload: string }> {
    return this.messages.filter((m) => m.topic === topic);
  }
}

export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
