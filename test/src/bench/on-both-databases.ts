import { randomBytes } from 'node:crypto';
import type { startTestServer } from '@acs/server/testing/server-harness';

type ServerOverrides = Parameters<typeof startTestServer>[0];
type OneRun = (label: string, overrides: ServerOverrides, cleanup?: () => Promise<void>) => Promise<Record<string, string>>;

/**
 * Runs a measurement on SQLite, then on PostgreSQL in a fresh schema (dropped afterwards) when
 * ACS_TEST_POSTGRES_URL is set: the figures a benchmark reports for both databases.
 */
export async function onBothDatabases(run: OneRun): Promise<Record<string, string>> {
  const results: Record<string, string> = { ...(await run('SQLite', {})) };
  const pgUrl = process.env.ACS_TEST_POSTGRES_URL;
  if (!pgUrl) return { ...results, PostgreSQL: 'skipped (set ACS_TEST_POSTGRES_URL)' };
  const schema = `acs_bench_${randomBytes(4).toString('hex')}`;
  const { default: pg } = await import('pg');
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await query(`CREATE SCHEMA ${schema}`);
  return {
    ...results,
    ...(await run('PostgreSQL', { db: 'postgres', databaseUrl: pgUrl, dbSchema: schema }, () => query(`DROP SCHEMA ${schema} CASCADE`))),
  };
}
