/**
 * The whole system in one test process: the NestJS server (SQLite or PostgreSQL, the
 * embedded broker or an external one), an edge agent on simulated hardware whose
 * readers speak the RDM6300 byte protocol, and helpers to sign in and listen like the
 * dashboard does. Every port is ephemeral; every folder temporary.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { AgentView } from '@acs/shared/api/agents';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { agentTopic } from '@acs/shared/mqtt/topics';
import {
  createLogger,
  loadAgentConfig,
  parseAgentConfig,
  startAgent,
  type AgentConfig,
  type Logger,
  type RunningAgent,
} from '@acs/edge-agent';
import type { StartOptions } from '@acs/server/server';
import type { SimHardware } from '@acs/hardware-sim';
import { startTestServer, waitFor, type TestServer } from '@acs/server/testing/server-harness';
import type { ServerConfig } from '@acs/server';
import type { CreatedAgentView } from '@acs/server';

export { waitFor };

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface SystemOptions {
  /** PostgreSQL URL; a fresh schema is created and dropped. Default: SQLite in a temp folder. */
  postgresUrl?: string | undefined;
  /** External broker URL; default: the server's embedded broker. */
  mqttUrl?: string | undefined;
  /** Serve the built dashboard (browser tests). */
  dashboard?: boolean;
  /**
   * `demo`: run the demo agent `agent-1` with the committed edge-agent/config/demo.yaml.
   * `fresh`: register a new agent with a unique id through the API and give it one door
   * (office → lab): the way to share a broker with other runs.
   */
  agent?: 'demo' | 'fresh';
  /** The server's logger (default: the harness's capturing logger). */
  serverLogger?: StartOptions['logger'];
  /** The agent's logger (default: errors only, everything with ACS_TEST_VERBOSE). */
  agentLog?: Logger;
}

export class TestSystem {
  private readonly sockets: Socket[] = [];
  private readonly cleanups: Array<() => Promise<void>> = [];

  constructor(
    readonly server: TestServer,
    readonly agent: RunningAgent,
    /** Door ids of the agent, in the order of its configuration. */
    readonly doors: string[],
  ) {}

  get sim(): SimHardware {
    const sim = this.agent.hardware.sim;
    if (!sim) throw new Error('the agent does not run on simulated hardware');
    return sim;
  }

  token(user: 'admin' | 'approver' | 'guard' | 'zhangwei' | 'auditor'): Promise<string> {
    return this.server.token(user);
  }

  async api<T>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.server.request<T>(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: res.body };
  }

  async events(token: string, query = 'limit=200'): Promise<EventView[]> {
    const res = await this.api<Page<EventView>>(token, 'GET', `/api/events?${query}`);
    if (res.status !== 200) throw new Error(`GET /api/events → ${res.status}`);
    return res.body.items;
  }

  async agentView(token: string): Promise<AgentView | undefined> {
    const res = await this.api<AgentView[]>(token, 'GET', '/api/agents');
    return res.body.find((a) => a.id === this.agent.agentId);
  }

  /** A dashboard-like socket.io client that records every pushed event. */
  async listen(token: string): Promise<{ events: EventView[]; agents: AgentView[]; socket: Socket }> {
    const socket: Socket<ServerToClientEvents> = io(this.server.url, { auth: { token }, transports: ['websocket'], reconnection: false });
    this.sockets.push(socket);
    const received = { events: [] as EventView[], agents: [] as AgentView[], socket };
    socket.on('event:v1', (e) => received.events.push(e));
    socket.on('agent:v1', (a) => received.agents.push(a));
    await new Promise<void>((resolvePromise, reject) => {
      socket.once('connect', () => resolvePromise());
      socket.once('connect_error', (err) => reject(err));
    });
    return received;
  }

  onClose(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.disconnect();
    await this.agent.stop();
    await this.server.close();
    for (const cleanup of this.cleanups.reverse()) await cleanup();
  }
}

export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  const overrides: Partial<ServerConfig> = { mode: 'demo' };
  const cleanups: Array<() => Promise<void>> = [];
  if (options.postgresUrl) {
    const schema = `acs_e2e_${randomBytes(6).toString('hex')}`;
    await postgresQuery(options.postgresUrl, `CREATE SCHEMA ${schema}`);
    cleanups.push(() => postgresQuery(options.postgresUrl!, `DROP SCHEMA ${schema} CASCADE`));
    Object.assign(overrides, { db: 'postgres', databaseUrl: options.postgresUrl, dbSchema: schema });
  }
  if (options.mqttUrl) {
    // A unique client id: the broker may be shared with other test runs.
    Object.assign(overrides, { mqttUrl: options.mqttUrl, mqttClientId: `acs-server-e2e-${randomBytes(4).toString('hex')}` });
  }
  if (options.dashboard) overrides.dashboardDir = join(repoRoot, 'dashboard', 'dist');

  const server = await startTestServer(overrides, options.serverLogger ? { logger: options.serverLogger } : {});
  let config: AgentConfig;
  let doors: string[];
  try {
    if ((options.agent ?? 'demo') === 'demo') {
      config = loadAgentConfig(join(repoRoot, 'edge-agent', 'config', 'demo.yaml'), {
        env: {
          ACS_AGENT_MQTT_URL: server.server.mqttUrl,
          ACS_AGENT_MQTT_PASSWORD: await server.demoAgentPassword(),
          ACS_AGENT_DATA_DIR: join(server.dataDir, 'agent-1'),
        },
      });
      doors = config.doors.map((d) => d.id);
    } else {
      ({ config, doors } = await registerFreshAgent(server));
    }
  } catch (err) {
    await server.close();
    throw err;
  }

  // Quiet unless ACS_TEST_VERBOSE: failures print their own story.
  const log = options.agentLog ?? createLogger('acs:agent', { level: process.env.ACS_TEST_VERBOSE ? 'debug' : 'error' });
  const agent = await startAgent(config, { controlServer: false, log, mqtt: { reconnectPeriodMs: 200, reconnectMaxMs: 1000 } });
  const system = new TestSystem(server, agent, doors);
  for (const cleanup of cleanups) system.onClose(cleanup);
  if (options.mqttUrl) system.onClose(() => clearRetained(options.mqttUrl!, agentTopic(config.agentId, 'state')));
  await waitFor(() => agent.permissionVersion !== null, `agent ${config.agentId} to apply its first permission set`, 15_000);
  return system;
}

/** Registers a new agent and one door for it (office → lab) through the API, as an admin would. */
async function registerFreshAgent(server: TestServer): Promise<{ config: AgentConfig; doors: string[] }> {
  const admin = await server.token('admin');
  const agentId = `e2e-${randomBytes(4).toString('hex')}`;
  const doorId = `${agentId}-lab`;
  const created = await server.request<CreatedAgentView>('POST', '/api/agents', {
    token: admin,
    body: { id: agentId, name: `E2E ${agentId}` },
  });
  if (created.status !== 201) throw new Error(`POST /api/agents → ${created.status} ${JSON.stringify(created.body)}`);
  const door = await server.request('POST', '/api/doors', {
    token: admin,
    body: { id: doorId, name: `Lab door ${agentId}`, fromZoneId: 'office', toZoneId: 'lab', agentId },
  });
  if (door.status !== 201) throw new Error(`POST /api/doors → ${door.status} ${JSON.stringify(door.body)}`);
  const config = parseAgentConfig(
    {
      version: 1,
      agentId,
      mqtt: { url: server.server.mqttUrl, password: created.body.mqttPassword },
      dataDir: join(server.dataDir, agentId),
      gpio: { provider: 'sim' },
      readers: [
        { id: `${doorId}-in`, door: doorId, direction: 'in', type: 'rdm6300', serial: { path: `sim/${doorId}-in`, driver: 'sim' } },
      ],
      doors: [{ id: doorId, lock: { line: 23, activeLow: false, failMode: 'secure' }, contact: { line: 24, openLevel: 1 } }],
    },
    { env: {} },
  );
  return { config, doors: [doorId] };
}

async function postgresQuery(url: string, sql: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Removes a retained message so a shared broker does not replay this run's agent state to the next. */
async function clearRetained(url: string, topic: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `acs-e2e-cleanup-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0 });
  await client.publishAsync(topic, '', { retain: true, qos: 1 });
  await client.endAsync();
}
