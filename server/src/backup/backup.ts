// Online backup and verified restore of the server's database (docs/operations.md#backup-and-restore). SQLite uses its
// online backup API, so the server keeps running; PostgreSQL uses pg_dump/pg_restore.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { AuditVerifyView } from '@acs/shared/api/audit';
import { AuditChain } from '../audit/audit-chain.js';
import type { ServerConfig } from '../config/server-config.js';
import { dataSourceOptions, openDatabase } from '../database/data-source.js';
import { ENTITIES } from '../entities.js';

type DatabaseSettings = Pick<ServerConfig, 'db' | 'sqlitePath' | 'databaseUrl' | 'dbSchema'>;

/** Why a restore did not happen; the message is meant for the operator as it is. */
export class RestoreRefused extends Error {}

export interface BackupSummary {
  file: string;
  audit: AuditVerifyView;
}

const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'];

async function verifySqliteFile(file: string): Promise<AuditVerifyView> {
  const ds = new DataSource({ type: 'better-sqlite3', database: file, entities: ENTITIES, synchronize: false, logging: false });
  await ds.initialize();
  try {
    return await new AuditChain(ds).verify();
  } finally {
    await ds.destroy();
  }
}

function sqliteTableCount(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    const row = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).get() as {
      n: number;
    };
    return row.n;
  } finally {
    db.close();
  }
}

/**
 * Copies the live SQLite database page by page while the server keeps writing (WAL), then
 * checks the copy's audit chain so a bad backup is known when it is made, not when needed.
 */
async function backupSqlite(config: DatabaseSettings, to: string): Promise<BackupSummary> {
  if (!existsSync(config.sqlitePath)) throw new Error(`no database at ${config.sqlitePath}: check ACS_DATA_DIR / ACS_SQLITE_PATH`);
  await mkdir(dirname(to), { recursive: true });
  // A half-written file must never carry the backup's name.
  const partial = `${to}.partial`;
  await rm(partial, { force: true });
  const source = new Database(config.sqlitePath, { fileMustExist: true, timeout: 5000 });
  try {
    await source.backup(partial);
  } finally {
    source.close();
  }
  // A single self-contained file: without this it stays in WAL mode and needs side files.
  const copy = new Database(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const audit = await verifySqliteFile(partial);
  await rename(partial, to);
  return { file: to, audit };
}

/** Runs a PostgreSQL client tool with the password in the environment, where `ps` does not show it. */
function runPgTool(tool: string, args: string[], databaseUrl: string): Promise<string> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...args, '--dbname', url.toString()], {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) =>
      reject(
        new Error(`${tool} could not be run (${err.message}): install the PostgreSQL client tools matching the server's major version`),
      ),
    );
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

function pgSchema(config: DatabaseSettings): string {
  return config.dbSchema ?? 'public';
}

async function withPostgres<T>(config: DatabaseSettings, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource({ ...dataSourceOptions(config), migrations: [] });
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

async function backupPostgres(config: DatabaseSettings, to: string): Promise<BackupSummary> {
  await mkdir(dirname(to), { recursive: true });
  const partial = `${to}.partial`;
  await rm(partial, { force: true });
  // pg_dump reads one snapshot, so the dump is consistent while the server writes.
  await runPgTool(
    'pg_dump',
    ['--format=custom', '--no-owner', '--no-privileges', `--schema=${pgSchema(config)}`, `--file=${partial}`],
    config.databaseUrl!,
  );
  const audit = await withPostgres(config, (ds) => new AuditChain(ds).verify());
  await rename(partial, to);
  return { file: to, audit };
}

/** Takes a consistent backup of the configured database into `to` while the server may run. */
export function backupDatabase(config: DatabaseSettings, to: string): Promise<BackupSummary> {
  return config.db === 'postgres' ? backupPostgres(config, to) : backupSqlite(config, to);
}

function refuseUnverified(audit: AuditVerifyView): void {
  if (!audit.ok) {
    throw new RestoreRefused(
      `restore refused: the backup's audit chain does not verify (${audit.reason ?? 'unknown reason'}; first bad entry ${audit.firstBadSeq ?? '?'}). ` +
        'The backup was changed after it was made or is damaged; restore an earlier one.',
    );
  }
}

async function restoreSqlite(config: DatabaseSettings, from: string, force: boolean): Promise<AuditVerifyView> {
  if (!existsSync(from)) throw new RestoreRefused(`restore refused: no backup file at ${from}`);
  const target = config.sqlitePath;
  const tables = sqliteTableCount(target);
  if (tables > 0 && !force) {
    throw new RestoreRefused(
      `restore refused: ${target} already holds a database (${tables} tables). Restore into an empty data folder, ` +
        'or stop the server and pass --force to replace it.',
    );
  }
  await mkdir(dirname(target), { recursive: true });
  // Verified on a copy in the target folder: the backup file itself stays untouched, and
  // the rename below is atomic on one file system.
  const staged = join(dirname(target), `.restore-${process.pid}.sqlite`);
  await copyFile(from, staged);
  try {
    let audit: AuditVerifyView;
    try {
      audit = await verifySqliteFile(staged);
    } catch (err) {
      throw new RestoreRefused(`restore refused: ${from} is not a readable backup of this server (${(err as Error).message})`);
    }
    refuseUnverified(audit);
    for (const suffix of SQLITE_SIDE_FILES) await rm(`${target}${suffix}`, { force: true });
    await rename(staged, target);
    return audit;
  } finally {
    await rm(staged, { force: true });
    for (const suffix of SQLITE_SIDE_FILES) await rm(`${staged}${suffix}`, { force: true });
  }
}

/** The schema a custom-format dump was taken of, read from its table of contents. */
async function dumpSchema(from: string): Promise<string> {
  const toc = await new Promise<string>((resolve, reject) => {
    const child = spawn('pg_restore', ['--list', from], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new RestoreRefused(`restore refused: ${from} is not a pg_dump custom-format file (${err.trim()})`)),
    );
  });
  const match = /\bTABLE (\S+) audit_log\b/.exec(toc);
  if (!match) throw new RestoreRefused(`restore refused: ${from} holds no audit_log table, so it is not a backup of this server`);
  return match[1]!;
}

async function restorePostgres(config: DatabaseSettings, from: string, force: boolean): Promise<AuditVerifyView> {
  if (!existsSync(from)) throw new RestoreRefused(`restore refused: no backup file at ${from}`);
  const schema = pgSchema(config);
  const dumped = await dumpSchema(from);
  if (dumped !== schema) {
    throw new RestoreRefused(
      `restore refused: the backup is of schema "${dumped}" but the target is "${schema}": set ACS_DB_SCHEMA=${dumped} (or restore into another database)`,
    );
  }
  const tables = await withPostgres(config, async (ds) => {
    const rows = await ds.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`, [
      schema,
    ]);
    return rows[0]!.n;
  });
  if (tables > 0 && !force) {
    throw new RestoreRefused(
      `restore refused: schema "${schema}" already holds ${tables} tables. Restore into an empty schema, or stop the servers and pass --force to replace it.`,
    );
  }
  const emptySchema = (ds: DataSource) =>
    schema === 'public'
      ? ds.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`)
      : ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  // The dump creates its own schema (for a named one); an existing empty one would clash.
  await withPostgres(config, emptySchema);
  await runPgTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', from], config.databaseUrl!);
  const audit = await withPostgres(config, (ds) => new AuditChain(ds).verify());
  if (!audit.ok) {
    // The target was empty (or the operator asked to replace it): leave it empty again.
    await withPostgres(config, emptySchema);
    refuseUnverified(audit);
  }
  return audit;
}

/**
 * Restores a backup into an empty database (or replaces one with `force`), refusing a
 * backup whose audit chain does not verify, then brings its schema up to date.
 */
export async function restoreDatabase(config: DatabaseSettings, from: string, options: { force?: boolean } = {}): Promise<AuditVerifyView> {
  if (existsSync(from) && (await stat(from)).isDirectory())
    throw new RestoreRefused(`restore refused: ${from} is a folder, not a backup file`);
  const audit =
    config.db === 'postgres'
      ? await restorePostgres(config, from, options.force ?? false)
      : await restoreSqlite(config, from, options.force ?? false);
  // A backup of an older release migrates forward like any database the server opens.
  const ds = await openDatabase(config);
  await ds.destroy();
  return audit;
}
