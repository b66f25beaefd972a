import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../database/migrations/index.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { MqttClientService } from '../mqtt/mqtt-client.service.js';

/** A probe must answer well within a load balancer's timeout (typically 5 s), even when a pool hangs. */
const PROBE_TIMEOUT_MS = 2000;

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The database answers and holds every migration this build knows. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'database'): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    if (!this.dataSource.isInitialized) return session.down({ message: 'the database connection is closed' });
    try {
      const table = this.migrationsTable();
      const rows = await within(
        PROBE_TIMEOUT_MS,
        'the database',
        this.dataSource.query<Array<{ name: string }>>(`SELECT name FROM ${table}`),
      );
      const applied = new Set(rows.map((r) => r.name));
      const missing = MIGRATIONS.map((m) => m.name).filter((name) => !applied.has(name));
      if (missing.length > 0) return session.down({ message: `migrations not applied: ${missing.join(', ')}` });
      return session.up({ migrations: applied.size });
    } catch (err) {
      return session.down({ message: reason(err) });
    }
  }

  private migrationsTable(): string {
    const driver = this.dataSource.driver;
    const schema = driver.options.type === 'postgres' ? (driver as { schema?: string }).schema : undefined;
    const name = driver.escape(String(this.dataSource.options.migrationsTableName ?? 'migrations'));
    return schema ? `${driver.escape(schema)}.${name}` : name;
  }
}

/** The server's own MQTT client (to the embedded broker or an external one) is connected. */
@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly mqtt: MqttClientService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check(key = 'broker'): HealthIndicatorResult {
    const session = this.indicators.check(key);
    return this.mqtt.connected ? session.up() : session.down({ message: 'the server is not connected to the MQTT broker' });
  }
}

/** Every periodic job of this instance has completed a run recently enough (JobLeases.health). */
@Injectable()
export class JobsHealthIndicator {
  constructor(
    private readonly jobs: JobLeases,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'jobs'): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    try {
      const health = await within(PROBE_TIMEOUT_MS, 'the job history', this.jobs.health());
      const stale = health.filter((j) => j.stale).map((j) => j.job);
      const lastCompletedAt = Object.fromEntries(health.map((j) => [j.job, j.lastCompletedAt]));
      if (stale.length > 0) return session.down({ message: `no recent run of ${stale.join(', ')}`, lastCompletedAt });
      return session.up({ lastCompletedAt });
    } catch (err) {
      return session.down({ message: reason(err) });
    }
  }
}
