/**
 * Upgrades: a database made by the previous release's schema, with data in it, migrates to the
 * current one without losing anything; and migrations run forward from every schema that
 * ever existed (each prefix of the migration list) to exactly what the entities describe.
 * The fixture is made here by the current code's migrations up to the previous release, on
 * SQLite and (with ACS_TEST_POSTGRES_URL) on PostgreSQL.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import { dataSourceOptions, prepareDatabase } from './data-source.js';
import { MIGRATIONS } from './migrations/index.js';

/** The last migration of the previous release (landed before the cluster, wire format and operations work). */
export const PREVIOUS_RELEASE = 'RetentionAndHolds1765000000000';

interface Backend {
  name: string;
  skip: string | false;
  settings(): Promise<{ settings: Parameters<typeof dataSourceOptions>[0]; dispose: (ds: DataSource) => Promise<void> }>;
}

const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;
const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    skip: false,
    async settings() {
      const dir = await mkdtemp(join(tmpdir(), 'acs-upgrade-'));
      return {
        settings: { db: 'sqlite', sqlitePath: join(dir, 'acs.sqlite'), databaseUrl: null, dbSchema: null },
        dispose: async () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresUrl ? false : 'set ACS_TEST_POSTGRES_URL to run against PostgreSQL',
    async settings() {
      const schema = `acs_upgrade_${randomBytes(5).toString('hex')}`;
      return {
        settings: { db: 'postgres', sqlitePath: '', databaseUrl: postgresUrl!, dbSchema: schema },
        dispose: async (ds) => void (await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
      };
    },
  },
];

/** A data source that knows only the first `count` migrations: the schema of an older release. */
async function migratedTo(settings: Parameters<typeof dataSourceOptions>[0], count: number): Promise<DataSource> {
  const ds = new DataSource({ ...dataSourceOptions(settings), migrations: MIGRATIONS.slice(0, count) });
  await ds.initialize();
  await prepareDatabase(ds, settings);
  return ds;
}

async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  return (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
}

const p = (ds: DataSource, n: number) => (ds.options.type === 'postgres' ? `$${n}` : '?');
/** A table name as raw SQL needs it: schema-qualified on PostgreSQL. */
const t = (ds: DataSource, name: string) => {
  const schema = (ds.options as { schema?: string }).schema;
  return ds.options.type === 'postgres' && schema ? `"${schema}"."${name}"` : `"${name}"`;
};
const values = (ds: DataSource, count: number) => Array.from({ length: count }, (_, i) => p(ds, i + 1)).join(', ');

for (const backend of BACKENDS) {
  describeUnless(backend.skip)(`upgrades on ${backend.name}`, () => {
    test('a database of the previous release, with agents, events and alerts, migrates to the current schema and keeps its data', async () => {
      const previous = MIGRATIONS.findIndex((m) => m.name === PREVIOUS_RELEASE) + 1;
      assert.ok(previous > 0 && previous < MIGRATIONS.length, 'the previous release is an earlier schema');
      const { settings, dispose } = await backend.settings();
      const old = await migratedTo(settings, previous);
      const now = Date.now();
      const ids = Array.from({ length: 20 }, () => randomUUID());
      try {
        await old.query(
          `INSERT INTO ${t(old, 'agents')} (id, name, mqtt_password_hash, online, contiguous_seq, created_at) VALUES (${values(old, 6)})`,
          ['agent-1', 'Agent 1', '!', false, 20, now],
        );
        for (const [i, id] of ids.entries()) {
          await old.query(
            `INSERT INTO ${t(old, 'events')} (event_id, agent_id, seq, kind, occurred_at, received_at, door_id, type) VALUES (${values(old, 8)})`,
            [id, 'agent-1', i + 1, 'door', now + i, now + i, 'lab', 'opened'],
          );
        }
        // Two open alerts of one condition: possible before, not allowed by the current schema.
        for (const [i, alertId] of [randomUUID(), randomUUID()].entries()) {
          await old.query(
            `INSERT INTO ${t(old, 'alerts')} (id, type, severity, status, active, dedupe_key, count, first_at, last_at) VALUES (${values(old, 9)})`,
            [alertId, 'door_forced', 'critical', 'open', true, 'door_forced:lab', 1, now + i, now + i],
          );
        }
      } finally {
        await old.destroy();
      }

      const current = new DataSource(dataSourceOptions(settings));
      await current.initialize();
      try {
        const applied: string[] = [];
        await prepareDatabase(current, settings, (line) => applied.push(line));
        assert.equal(applied.length, MIGRATIONS.length - previous, `applied: ${applied.join('; ')}`);
        assert.deepEqual(await pendingSchemaChanges(current), [], 'exactly the schema the entities describe');
        const events: Array<{ event_id: string; device_occurred_at: unknown }> = await current.query(
          `SELECT event_id, device_occurred_at FROM ${t(current, 'events')} ORDER BY seq`,
        );
        assert.deepEqual(
          events.map((e) => e.event_id),
          ids,
          'every event kept',
        );
        assert.ok(
          events.every((e) => e.device_occurred_at === null),
          'old events carry no replaced device time',
        );
        const agent: Array<{ contiguous_seq: unknown }> = await current.query(
          `SELECT contiguous_seq FROM ${t(current, 'agents')} WHERE id = ${p(current, 1)}`,
          ['agent-1'],
        );
        assert.equal(Number(agent[0]!.contiguous_seq), 20);
        const alerts: Array<{ status: string }> = await current.query(
          `SELECT status FROM ${t(current, 'alerts')} WHERE dedupe_key = ${p(current, 1)} ORDER BY first_at`,
          ['door_forced:lab'],
        );
        assert.deepEqual(
          alerts.map((a) => a.status),
          ['acknowledged', 'open'],
          'the newer open alert of the condition kept open, the older one set aside',
        );
      } finally {
        await dispose(current);
        await current.destroy();
      }
    });

    test('migrations run forward from every schema there has been to the current one', async () => {
      for (let count = 1; count < MIGRATIONS.length; count += 1) {
        const { settings, dispose } = await backend.settings();
        const old = await migratedTo(settings, count);
        await old.destroy();
        const current = new DataSource(dataSourceOptions(settings));
        await current.initialize();
        try {
          await prepareDatabase(current, settings);
          assert.deepEqual(await pendingSchemaChanges(current), [], `from ${MIGRATIONS[count - 1]!.name}`);
        } finally {
          await dispose(current);
          await current.destroy();
        }
      }
    });
  });
}
