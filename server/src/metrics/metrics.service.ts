import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ALERT_SEVERITIES } from '@acs/shared/api/alerts';
import type { AgentEntity } from '../agents/agent.entity.js';
import { AgentRepository } from '../agents/agent.repository.js';
import { AlertRepository } from '../alerts/alert.repository.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { SiteService } from '../site/site.service.js';

/** Seconds, from a LAN round trip to an agent that was offline for an hour and sends its outbox. */
const DELAY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];
const HANDLING_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type IngestOutcome = 'stored' | 'duplicate' | 'refused';

/**
 * The server's Prometheus metrics, in a registry of its own (several servers run in one test
 * process). Counters and histograms are updated where things happen; what the database knows
 * (agents, alerts, versions) is read at scrape time, so every instance exports the same
 * cluster-wide values and Prometheus may scrape any of them.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly eventsIngested: Counter<'outcome'>;
  private readonly ingestDelay: Histogram;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly mqttDuration: Histogram<'channel' | 'outcome'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVER_CONFIG) config: Pick<ServerConfig, 'instanceId'>,
    private readonly agentRows: AgentRepository,
    private readonly alertRows: AlertRepository,
    private readonly site: SiteService,
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ instance_id: config.instanceId });
    collectDefaultMetrics({ register: this.registry, prefix: 'acs_process_' });
    this.eventsIngested = new Counter({
      name: 'acs_events_ingested_total',
      help: 'Agent events received, by outcome: stored, duplicate (already stored) or refused',
      labelNames: ['outcome'],
      registers,
    });
    this.ingestDelay = new Histogram({
      name: 'acs_event_ingest_delay_seconds',
      help: 'Device time of an event to the moment it was stored (includes time in the agent outbox and clock drift)',
      buckets: DELAY_BUCKETS,
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'acs_http_request_duration_seconds',
      help: 'HTTP API handling time, by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: HANDLING_BUCKETS,
      registers,
    });
    this.mqttDuration = new Histogram({
      name: 'acs_mqtt_message_duration_seconds',
      help: 'Handling time of a message from an agent, by channel',
      labelNames: ['channel', 'outcome'],
      buckets: HANDLING_BUCKETS,
      registers,
    });
    this.scrapeTimeGauges(registers);
  }

  recordIngest(counts: Record<IngestOutcome, number>, storedDeviceTimes: readonly number[], storedAt: number): void {
    for (const outcome of ['stored', 'duplicate', 'refused'] as const)
      if (counts[outcome] > 0) this.eventsIngested.inc({ outcome }, counts[outcome]);
    for (const at of storedDeviceTimes) this.ingestDelay.observe(Math.max(0, (storedAt - at) / 1000));
  }

  /** Times `work` as the handling of one agent message on `channel`. */
  async timeMqtt<T>(channel: string, work: () => Promise<T>): Promise<T> {
    const end = this.mqttDuration.startTimer({ channel });
    try {
      const result = await work();
      end({ outcome: 'handled' });
      return result;
    } catch (err) {
      end({ outcome: 'failed' });
      throw err;
    }
  }

  /** Express middleware timing every request; the label is the route pattern, never the raw path (ids would explode the series). */
  httpMiddleware(): (req: RoutedRequest, res: ServerResponse, next: () => void) => void {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () => {
        const pattern = req.route?.path;
        const route =
          typeof pattern === 'string' ? `${req.baseUrl ?? ''}${pattern}` : (req.url ?? '').startsWith('/api') ? 'unmatched' : 'static';
        // A server's requests always carry a method; only client-side messages lack one.
        end({ method: req.method ?? 'unknown', route, status: String(res.statusCode) });
      });
      next();
    };
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private scrapeTimeGauges(registers: Registry[]): void {
    const ds = this.dataSource;
    const { agentRows, alertRows, site } = this;
    new Gauge({
      name: 'acs_agents_online',
      help: 'Agents the server sees online',
      registers,
      async collect() {
        this.set(await agentRows.countOnline());
      },
    });
    new Gauge({
      name: 'acs_agents',
      help: 'Agents registered',
      registers,
      async collect() {
        this.set(await agentRows.count());
      },
    });
    // One read of the agents feeds the per-agent gauges; prom-client collects them one by one.
    let agentsRead: Promise<{ agents: Pick<AgentEntity, 'id' | 'online' | 'appliedVersion' | 'outboxDepth'>[]; version: number }> | null =
      null;
    const agents = () => {
      agentsRead ??= (async () => {
        const [rows, version] = await Promise.all([agentRows.syncStates(), site.storedPermissionVersion()]);
        return { agents: rows, version };
      })().finally(() => setTimeout(() => (agentsRead = null), 0));
      return agentsRead;
    };
    new Gauge({
      name: 'acs_site_permission_version',
      help: 'The site permission version agents should hold',
      registers,
      async collect() {
        this.set((await agents()).version);
      },
    });
    new Gauge({
      name: 'acs_agent_up',
      help: '1 when the agent is online, 0 when not',
      labelNames: ['agent'],
      registers,
      async collect() {
        this.reset();
        for (const a of (await agents()).agents) this.set({ agent: a.id }, a.online ? 1 : 0);
      },
    });
    new Gauge({
      name: 'acs_agent_permission_version_lag',
      help: 'Site permission version minus the version the agent confirmed applying (the whole version when it holds none)',
      labelNames: ['agent'],
      registers,
      async collect() {
        this.reset();
        const { agents: rows, version } = await agents();
        for (const a of rows) this.set({ agent: a.id }, Math.max(0, version - (a.appliedVersion ?? 0)));
      },
    });
    new Gauge({
      name: 'acs_agent_outbox_depth',
      help: 'Events waiting in the agent outbox, as it last reported (absent for agents that do not report it)',
      labelNames: ['agent'],
      registers,
      async collect() {
        this.reset();
        for (const a of (await agents()).agents) if (a.outboxDepth !== null) this.set({ agent: a.id }, a.outboxDepth);
      },
    });
    new Gauge({
      name: 'acs_alerts_open',
      help: 'Alerts nobody has acknowledged yet, by severity',
      labelNames: ['severity'],
      registers,
      async collect() {
        const rows = await alertRows.openBySeverity();
        for (const severity of ALERT_SEVERITIES) this.set({ severity }, Number(rows.find((r) => r.severity === severity)?.n ?? 0));
      },
    });
    new Gauge({
      name: 'acs_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting clients); absent on SQLite, which has no pool',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = ds.driver.options.type === 'postgres' ? (ds.driver as unknown as { master?: PgPoolCounts }).master : undefined;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}

/** What Express adds to a request once a route matched (no @types/express here). */
interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
}

/** What node-postgres' Pool exposes about its use. */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
