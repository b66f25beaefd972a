import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { AuditVerifyView } from '@acs/shared/api/audit';
import type { CardView } from '@acs/shared/api/cards';
import type { PersonView } from '@acs/shared/api/people';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { AuditChain } from '../audit/audit-chain.js';
import { dataSourceOptions } from '../database/data-source.js';
import { grantedAccess } from '../testing/access-events.js';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { postgresSkip, postgresUrl } from '../testing/shared-database.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Contents {
  events: number;
  permissionVersion: number;
  permissionChanges: number;
  deliveries: string;
  audit: AuditVerifyView;
}

/** What a restore must keep, read straight from a database. */
async function contents(ds: DataSource, schema: string | null = null): Promise<Contents> {
  const q = (table: string) => (schema ? `"${schema}".${table}` : table);
  const count = async (table: string) =>
    Number((await ds.query<Array<{ n: number | string }>>(`SELECT count(*) AS n FROM ${q(table)}`))[0]!.n);
  const site = await ds.query<Array<{ permission_version: number | string }>>(`SELECT permission_version FROM ${q('site_settings')}`);
  const deliveries = await ds.query<unknown[]>(
    `SELECT agent_id, version, compiled_hash FROM ${q('permission_deliveries')} ORDER BY agent_id, version`,
  );
  return {
    events: await count('events'),
    permissionVersion: Number(site[0]!.permission_version),
    permissionChanges: await count('permission_changes'),
    deliveries: JSON.stringify(deliveries),
    audit: await new AuditChain(ds).verify(),
  };
}

async function sqliteContents(file: string): Promise<Contents> {
  const ds = new DataSource(dataSourceOptions({ db: 'sqlite', sqlitePath: file, databaseUrl: null, dbSchema: null }));
  await ds.initialize();
  try {
    return await contents(ds);
  } finally {
    await ds.destroy();
  }
}

/** Card revocations, a name change and agent events, so every kind of record is in the backup. */
async function makeHistory(t: TestServer): Promise<void> {
  const admin = await t.token('admin');
  const cards = (await t.request<CardView[]>('GET', '/api/cards', { token: admin })).body;
  const card = cards.find((c) => c.credential === 'em4100:3887558')!;
  assert.equal((await t.request('PATCH', `/api/cards/${card.id}`, { token: admin, body: { status: 'revoked' } })).status, 200);
  const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
  const visitor = people.find((p) => p.kind === 'visitor')!;
  assert.equal((await t.request('PATCH', `/api/people/${visitor.id}`, { token: admin, body: { name: 'Visitor Renamed' } })).status, 200);
  const agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
  try {
    const acks = new MessageLog(agent);
    await agent.subscribeAsync(agentTopic('agent-1', 'events-ack'), { qos: 1 });
    const person = people.find((p) => p.name.includes('Zhang Wei'))!;
    const events = [1, 2, 3].map((seq) => grantedAccess(person, { seq, occurredAt: Date.now() - 1000 + seq }));
    await agent.publishAsync(agentTopic('agent-1', 'events'), JSON.stringify({ events }), { qos: 1 });
    await waitFor(() => acks.on(agentTopic('agent-1', 'events-ack')).length > 0, 'the events acknowledged');
  } finally {
    await agent.endAsync();
  }
}

describe('backup and restore on SQLite', () => {
  let t: TestServer;
  let work: string;
  let backupFile: string;
  let atBackup: Contents;

  beforeAll(async () => {
    t = await startTestServer();
    work = await mkdtemp(join(tmpdir(), 'acs-backup-test-'));
    await makeHistory(t);
  });

  afterAll(async () => {
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a backup taken while the server runs restores into an empty data folder with its audit chain, events and permission versions intact', async () => {
    backupFile = join(work, 'backups', 'acs.backup');
    const made = await cli(['backup', '--to', backupFile], { ACS_DATA_DIR: t.dataDir });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /audit chain verified: \d+ entries/);
    // The server kept serving during the backup and still does.
    assert.equal((await t.request('GET', '/api/health')).status, 200);
    atBackup = await contents(t.dataSource());
    assert.ok(atBackup.events >= 3 && atBackup.permissionChanges >= 2);

    const target = join(work, 'restored');
    const restored = await cli(['restore', '--from', backupFile], { ACS_DATA_DIR: target });
    assert.equal(restored.code, 0, restored.stderr);
    const got = await sqliteContents(join(target, 'acs.sqlite'));
    assert.equal(got.audit.ok, true, got.audit.reason);
    assert.ok(got.audit.checked >= 1);
    assert.equal(got.events, atBackup.events);
    assert.equal(got.permissionVersion, atBackup.permissionVersion);
    assert.equal(got.permissionChanges, atBackup.permissionChanges);
    assert.equal(got.deliveries, atBackup.deliveries);

    const again = await startTestServer({ dataDir: target });
    try {
      const admin = await again.token('admin');
      const verify = await again.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin });
      assert.equal(verify.body.ok, true, verify.body.reason);
    } finally {
      await again.close();
    }
  });

  test('a backup with an edited audit row is refused with the entry and the reason, and nothing is restored', async () => {
    const tampered = join(work, 'tampered.backup');
    await copyFile(backupFile, tampered);
    const db = new Database(tampered);
    // The append-only trigger stops the server, not someone holding the file.
    db.exec(`DROP TRIGGER audit_log_refuse_update; UPDATE audit_log SET detail = 'nothing happened here' WHERE seq = 2`);
    db.close();
    const target = join(work, 'from-tampered');
    const res = await cli(['restore', '--from', tampered], { ACS_DATA_DIR: target });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /restore refused: the backup's audit chain does not verify \(entry 2 was changed after it was written/);
    const left = await readdir(target).catch(() => [] as string[]);
    assert.deepEqual(
      left.filter((f) => f.endsWith('.sqlite')),
      [],
    );
  });

  test('restoring over a database that holds data is refused unless --force is given', async () => {
    const target = join(work, 'restored');
    const refused = await cli(['restore', '--from', backupFile], { ACS_DATA_DIR: target });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already holds a database .* pass --force/);
    const forced = await cli(['restore', '--from', backupFile, '--force'], { ACS_DATA_DIR: target });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await sqliteContents(join(target, 'acs.sqlite'))).events, atBackup.events);
  });
});

describeUnless(postgresSkip)('backup and restore on PostgreSQL', () => {
  const schema = `acs_backup_${randomBytes(6).toString('hex')}`;
  const restoreDb = `acs_restore_${randomBytes(6).toString('hex')}`;
  let t: TestServer;
  let work: string;
  let admin: DataSource;

  beforeAll(async () => {
    admin = new DataSource({ type: 'postgres', url: postgresUrl! });
    await admin.initialize();
    await admin.query(`CREATE DATABASE ${restoreDb}`);
    t = await startTestServer({ db: 'postgres', databaseUrl: postgresUrl!, dbSchema: schema });
    work = await mkdtemp(join(tmpdir(), 'acs-backup-pg-test-'));
    await makeHistory(t);
  });

  afterAll(async () => {
    await t?.close();
    if (admin?.isInitialized) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.query(`DROP DATABASE IF EXISTS ${restoreDb} WITH (FORCE)`);
      await admin.destroy();
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a pg_dump backup taken while the server runs restores into an empty database with the audit chain, events and versions intact', async () => {
    const file = join(work, 'acs.dump');
    const env = { ACS_DB: 'postgres', ACS_DATABASE_URL: postgresUrl!, ACS_DB_SCHEMA: schema };
    const made = await cli(['backup', '--to', file], env);
    assert.equal(made.code, 0, made.stderr);
    const atBackup = await contents(t.dataSource(), schema);

    const targetUrl = new URL(postgresUrl!);
    targetUrl.pathname = `/${restoreDb}`;
    const restored = await cli(['restore', '--from', file], { ...env, ACS_DATABASE_URL: targetUrl.toString() });
    assert.equal(restored.code, 0, restored.stderr);
    const ds = new DataSource(dataSourceOptions({ db: 'postgres', sqlitePath: '', databaseUrl: targetUrl.toString(), dbSchema: schema }));
    await ds.initialize();
    try {
      const got = await contents(ds, schema);
      assert.equal(got.audit.ok, true, got.audit.reason);
      assert.equal(got.events, atBackup.events);
      assert.equal(got.permissionVersion, atBackup.permissionVersion);
      assert.equal(got.permissionChanges, atBackup.permissionChanges);
      assert.equal(got.deliveries, atBackup.deliveries);
    } finally {
      await ds.destroy();
    }
    const again = await cli(['restore', '--from', file], { ...env, ACS_DATABASE_URL: targetUrl.toString() });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds \d+ tables/);
  });
});
