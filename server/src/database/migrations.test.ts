import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, test } from '@jest/globals';
import { testUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import { openDatabase } from './data-source.js';
import { MIGRATIONS } from './migrations/index.js';

async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}

describe('migrations', () => {
  test('on a fresh SQLite file they build exactly the schema the entities describe', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acs-migrations-'));
    try {
      const dataSource = await openDatabase({ db: 'sqlite', sqlitePath: join(dir, 'acs.sqlite'), databaseUrl: null, dbSchema: null });
      try {
        const migrations = await dataSource.query('SELECT name FROM migrations');
        assert.equal(migrations.length, MIGRATIONS.length);
        assert.deepEqual(await pendingSchemaChanges(dataSource), []);
        // Running them again is a no-op.
        assert.deepEqual(await dataSource.runMigrations(), []);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;
  testUnless(postgresUrl ? false : 'set ACS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run against PostgreSQL')(
    'on PostgreSQL (a fresh schema) they build exactly the schema the entities describe',
    async () => {
      const schema = `acs_test_${randomBytes(6).toString('hex')}`;
      const config = { db: 'postgres', sqlitePath: '', databaseUrl: postgresUrl!, dbSchema: schema } as const;
      const dataSource = await openDatabase(config);
      try {
        assert.deepEqual(await pendingSchemaChanges(dataSource), []);
        const tables: Array<{ table_name: string }> = await dataSource.query(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schema],
        );
        assert.ok(tables.some((t) => t.table_name === 'events'));
      } finally {
        await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
        await dataSource.destroy();
      }
    },
  );
});
