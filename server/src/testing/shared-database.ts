// One database that several simulated server instances open, each with its own
// connection: a temporary SQLite file, or a fresh schema on ACS_TEST_POSTGRES_URL. Not a
// test file itself.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ServerConfig } from '../config/server-config.js';
import { openDatabase } from '../database/data-source.js';

export const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;
export const postgresSkip = postgresUrl
  ? false
  : 'set ACS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run on PostgreSQL';

export type DatabaseSettings = Pick<ServerConfig, 'db' | 'sqlitePath' | 'databaseUrl' | 'dbSchema'>;

export interface SharedDatabase {
  settings: DatabaseSettings;
  /** A new connection, as another instance would open (migrations run on the first). */
  connect(): Promise<DataSource>;
  /** Closes every connection and removes the file or schema. */
  drop(): Promise<void>;
}

export async function sharedDatabase(kind: 'sqlite' | 'postgres'): Promise<SharedDatabase> {
  const connections: DataSource[] = [];
  let settings: DatabaseSettings;
  let remove: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'acs-shared-db-'));
    settings = { db: 'sqlite', sqlitePath: join(dir, 'acs.sqlite'), databaseUrl: null, dbSchema: null };
    remove = () => rm(dir, { recursive: true, force: true });
  } else {
    if (!postgresUrl) throw new Error('ACS_TEST_POSTGRES_URL is not set');
    const schema = `acs_shared_${randomBytes(6).toString('hex')}`;
    settings = { db: 'postgres', sqlitePath: '', databaseUrl: postgresUrl, dbSchema: schema };
    remove = async () => {
      const ds = new DataSource({ type: 'postgres', url: postgresUrl });
      await ds.initialize();
      await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ds.destroy();
    };
  }
  return {
    settings,
    async connect() {
      const ds = await openDatabase(settings);
      connections.push(ds);
      return ds;
    },
    async drop() {
      for (const ds of connections) if (ds.isInitialized) await ds.destroy();
      await remove();
    },
  };
}
