import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { ServerConfig } from '../config/server-config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

type DatabaseSettings = Pick<ServerConfig, 'db' | 'sqlitePath' | 'databaseUrl' | 'dbSchema'>;

/**
 * TypeORM options for either driver. The schema comes from migrations only
 * (`synchronize` stays off); {@link openDatabase} runs them.
 */
export function dataSourceOptions(config: DatabaseSettings): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (config.db === 'postgres') {
    if (!config.databaseUrl) throw new Error('ACS_DATABASE_URL is required when ACS_DB=postgres');
    return {
      type: 'postgres',
      url: config.databaseUrl,
      ...(config.dbSchema ? { schema: config.dbSchema } : {}),
      applicationName: 'acs-server',
      ...common,
    };
  }
  return {
    type: 'better-sqlite3',
    database: config.sqlitePath,
    // WAL lets the CLI work on the file while the server runs; the busy timeout covers the overlap.
    enableWAL: true,
    timeout: 5000,
    ...common,
  };
}

/** Connects, creates the PostgreSQL schema when one is configured, and runs pending migrations. */
export async function openDatabase(
  config: DatabaseSettings,
  log: (message: string) => void = () => {},
): Promise<DataSource> {
  if (config.db === 'sqlite') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    await prepareDatabase(dataSource, config, log);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

export async function prepareDatabase(
  dataSource: DataSource,
  config: DatabaseSettings,
  log: (message: string) => void = () => {},
): Promise<void> {
  if (config.db === 'postgres' && config.dbSchema) {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${config.dbSchema}"`);
  }
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  for (const migration of applied) log(`applied migration ${migration.name}`);
}

export function describeDatabase(config: DatabaseSettings): string {
  if (config.db === 'sqlite') return `SQLite ${config.sqlitePath}`;
  const url = new URL(config.databaseUrl ?? 'postgres://?');
  // Never print the password.
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}${config.dbSchema ? ` schema ${config.dbSchema}` : ''}`;
}
