import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type QueryRunner, DataSource, type DataSourceOptions } from 'typeorm';
import type { ServerConfig } from '../config/server-config.js';
import { ENTITIES } from '../entities.js';
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
export async function openDatabase(config: DatabaseSettings, log: (message: string) => void = () => {}): Promise<DataSource> {
  if (config.db === 'sqlite') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const dataSource = new DataSource(dataSourceOptions(config));
  if (config.db === 'sqlite') serialiseSqliteTransactions(dataSource);
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

/**
 * better-sqlite3 gives TypeORM one connection (one shared query runner) for every request
 * and background job. Transactions that overlap in time nest as savepoints of each other,
 * and TypeORM's depth counter races: one flow's COMMIT can end another's transaction
 * ("cannot commit - no transaction is active"). Here transactions run one after another:
 * `manager.transaction()` waits its turn, and so does the transaction `save()` opens by
 * itself. Work inside a transaction (same async flow) runs at once, as nesting intends.
 */
export function serialiseSqliteTransactions(dataSource: DataSource): void {
  const inside = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  const turn = (): Promise<() => void> => {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const ready = tail.then(() => release);
    tail = tail.then(() => done);
    return ready;
  };
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  (manager as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = async (...args: unknown[]) => {
    if (inside.getStore()) return transaction(...args);
    const release = await turn();
    try {
      return await inside.run(true, () => transaction(...args));
    } finally {
      release();
    }
  };
  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  const patched = new WeakSet<QueryRunner>();
  dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>) => {
    const runner = createQueryRunner(...args);
    if (patched.has(runner)) return runner;
    patched.add(runner);
    let release: (() => void) | null = null;
    const start = runner.startTransaction.bind(runner);
    const commit = runner.commitTransaction.bind(runner);
    const rollback = runner.rollbackTransaction.bind(runner);
    const depth = () => (runner as unknown as { transactionDepth: number }).transactionDepth;
    runner.startTransaction = async (...a: Parameters<QueryRunner['startTransaction']>) => {
      if (inside.getStore() || depth() > 0) return start(...a);
      const mine = await turn();
      release = mine;
      try {
        await start(...a);
      } catch (err) {
        release = null;
        mine();
        throw err;
      }
    };
    const finish = (end: () => Promise<void>) => async () => {
      try {
        await end();
      } finally {
        if (depth() === 0 && release) {
          const r = release;
          release = null;
          r();
        }
      }
    };
    runner.commitTransaction = finish(commit);
    runner.rollbackTransaction = finish(rollback);
    return runner;
  };
}
