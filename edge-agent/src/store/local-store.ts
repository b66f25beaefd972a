/**
 * The agent's durable state in `<dataDir>/agent.sqlite` (WAL), through the asynchronous
 * sqlite3 driver so no query ever blocks the event loop (and with it the badge path):
 *
 * - the permission set in force: a header row, the payload it arrived as (pages of bytes),
 *   and the cards deltas changed since (one row per card); a new set becomes the one in
 *   force in one transaction, so a crash leaves either the old set or the new one;
 * - the outbox: events with their per-agent `seq`, deleted once the server acknowledges
 *   them; `last_seq` is kept in the same transaction as the events it covers.
 *
 * Every operation runs through one queue, so transactions never interleave on the
 * connection.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import type { AgentEvent, PermissionCard, PermissionSet } from '@acs/shared/mqtt/payloads';
import { CardTable } from '../decision/card-table.js';
import { decodePermissionPayload, type PermissionHeader } from '../sync/permission-payload.js';

export const STORE_FILE = 'agent.sqlite';
const SCHEMA_VERSION = 2;
/** A stored payload is cut into rows of this size: binding one copies it on the main thread. */
const PAGE_BYTES = 256 * 1024;
/** Rows per multi-row INSERT (two parameters each, well under SQLite's variable limit). */
const ROWS_PER_INSERT = 2000;

export interface StoredPermissionMeta {
  header: PermissionHeader;
  hash: string;
  cardSum: bigint;
  appliedAt: number;
}

export interface StoredPermissionPayload extends StoredPermissionMeta {
  pages: AsyncIterable<Uint8Array>;
  changes: AsyncIterable<[credential: string, card: string][]>;
}

export interface StoredPermissions {
  set: PermissionSet;
  hash: string;
  /** The additive card hash (see `@acs/shared/sync/permission-hash`), kept so a restart need not rehash every card. */
  cardSum: bigint;
  appliedAt: number;
}

interface RunResult {
  changes: number;
  lastID: number;
}

export class LocalStore {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly db: sqlite3.Database,
    readonly file: string,
    private lastSeqValue: number,
  ) {}

  static async open(dataDir: string): Promise<LocalStore> {
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, STORE_FILE);
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const handle = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(handle)));
    });
    try {
      await exec(db, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
      db.configure('busyTimeout', 5000);
      const version = (await get<{ user_version: number }>(db, 'PRAGMA user_version'))?.user_version ?? 0;
      if (version > SCHEMA_VERSION) {
        throw new Error(`${file} has schema version ${version}, newer than this agent understands (${SCHEMA_VERSION})`);
      }
      if (version < 1) {
        await exec(
          db,
          `BEGIN;
           CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
           CREATE TABLE IF NOT EXISTS permission_header (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             version INTEGER NOT NULL,
             hash TEXT NOT NULL,
             card_sum TEXT NOT NULL,
             applied_at INTEGER NOT NULL,
             header TEXT NOT NULL
           );
           CREATE TABLE IF NOT EXISTS permission_cards (credential TEXT PRIMARY KEY, card TEXT NOT NULL) WITHOUT ROWID;
           CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, event TEXT NOT NULL);
           PRAGMA user_version = 1;
           COMMIT;`,
        );
      }
      if (version < 2) {
        // Since the binary format: the set is kept as the payload it arrived as (pages) plus the cards deltas
        // changed since; a version-1 store's card rows become changes on an empty payload.
        await exec(
          db,
          `BEGIN;
           ALTER TABLE permission_header ADD COLUMN generation INTEGER;
           CREATE TABLE permission_pages (generation INTEGER NOT NULL, page INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (generation, page)) WITHOUT ROWID;
           PRAGMA user_version = 2;
           COMMIT;`,
        );
      }
      // Pages of a set whose saving a crash cut short.
      await exec(db, 'DELETE FROM permission_pages WHERE generation IS NOT (SELECT generation FROM permission_header WHERE id = 1)');
      const meta = await get<{ value: string }>(db, `SELECT value FROM meta WHERE key = 'last_seq'`);
      const maxOutbox = await get<{ seq: number | null }>(db, 'SELECT MAX(seq) AS seq FROM outbox');
      const lastSeq = Math.max(Number(meta?.value ?? 0), maxOutbox?.seq ?? 0);
      return new LocalStore(db, file, lastSeq);
    } catch (err) {
      await new Promise<void>((resolve) => db.close(() => resolve()));
      throw err;
    }
  }

  /** Highest sequence number ever persisted; the next event gets a larger one. */
  get lastSeq(): number {
    return this.lastSeqValue;
  }

  // ------------------------------------------------------------ permission set

  /**
   * Replaces the stored set by the payload it arrived as. The pages are written one short
   * statement at a time (the outbox keeps writing in between), then one transaction makes them
   * the set in force and drops the old pages and the old set's card changes: a crash at any
   * point leaves the old set or the new one.
   */
  async savePermissionPayload(meta: StoredPermissionMeta, chunks: Iterable<Uint8Array>): Promise<void> {
    const generation = await this.exclusive(
      async () => ((await get<{ g: number | null }>(this.db, 'SELECT MAX(generation) AS g FROM permission_pages'))?.g ?? 0) + 1,
    );
    let page = 0;
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += PAGE_BYTES) {
        const bytes = Buffer.from(chunk.buffer, chunk.byteOffset + at, Math.min(PAGE_BYTES, chunk.length - at));
        const n = page++;
        await this.exclusive(() =>
          run(this.db, 'INSERT INTO permission_pages (generation, page, bytes) VALUES (?, ?, ?)', [generation, n, bytes]),
        );
      }
    }
    await this.exclusive(() =>
      this.transaction(async () => {
        await run(this.db, 'DELETE FROM permission_cards');
        await run(
          this.db,
          `INSERT INTO permission_header (id, version, hash, card_sum, applied_at, header, generation) VALUES (1, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET version = excluded.version, hash = excluded.hash, card_sum = excluded.card_sum,
             applied_at = excluded.applied_at, header = excluded.header, generation = excluded.generation`,
          [meta.header.version, meta.hash, meta.cardSum.toString(16), meta.appliedAt, JSON.stringify(meta.header), generation],
        );
        await run(this.db, 'DELETE FROM permission_pages WHERE generation <> ?', [generation]);
      }),
    );
  }

  /**
   * The stored set: its header and hash, the payload it arrived as (pages, read one per turn),
   * and the cards deltas changed since (pages of rows; `null` marks a removed card). A store
   * written before the binary format has no payload and every card as a change.
   */
  async loadPermissionPayload(pageSize = 2_000): Promise<StoredPermissionPayload | null> {
    const head = await this.exclusive(() =>
      get<{ hash: string; card_sum: string; applied_at: number; header: string; generation: number | null; pages: number }>(
        this.db,
        `SELECT hash, card_sum, applied_at, header, generation,
           (SELECT COUNT(*) FROM permission_pages p WHERE p.generation = h.generation) AS pages
         FROM permission_header h WHERE id = 1`,
      ),
    );
    if (!head) return null;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- an async generator function has no lexical `this`
    const store = this;
    const db = this.db;
    async function* pages(): AsyncGenerator<Uint8Array> {
      for (let page = 0; page < head!.pages; page++) {
        const row = await store.exclusive(() =>
          get<{ bytes: Buffer }>(db, 'SELECT bytes FROM permission_pages WHERE generation = ? AND page = ?', [head!.generation, page]),
        );
        if (!row) throw new Error(`page ${page} of the stored permission set is missing`);
        yield row.bytes;
      }
    }
    async function* changes(): AsyncGenerator<[string, string][]> {
      let after = '';
      for (;;) {
        const rows = await store.exclusive(() =>
          all<{ credential: string; card: string }>(
            db,
            'SELECT credential, card FROM permission_cards WHERE credential > ? ORDER BY credential LIMIT ?',
            [after, pageSize],
          ),
        );
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.credential;
        yield rows.map((r) => [r.credential, r.card]);
      }
    }
    return {
      header: JSON.parse(head.header) as PermissionHeader,
      hash: head.hash,
      cardSum: BigInt(`0x${head.card_sum}`),
      appliedAt: head.applied_at,
      pages: pages(),
      changes: changes(),
    };
  }

  /** Applies a delta to the stored set in one transaction: changed and removed cards, new header. */
  async applyPermissionDelta(
    header: PermissionHeader,
    upserts: readonly PermissionCard[],
    removals: readonly string[],
    hash: string,
    cardSum: bigint,
    appliedAt: number,
  ): Promise<void> {
    await this.exclusive(() =>
      this.transaction(async () => {
        const rows: [string, string][] = [
          ...removals.map((c): [string, string] => [c, 'null']),
          ...upserts.map((c): [string, string] => [c.credential, JSON.stringify(c)]),
        ];
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          const chunk = rows.slice(i, i + ROWS_PER_INSERT);
          await run(
            this.db,
            `INSERT OR REPLACE INTO permission_cards (credential, card) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
            chunk.flat(),
          );
        }
        await this.writeHeader(header, hash, cardSum, appliedAt);
      }),
    );
  }

  /** A structural change: the header and hash move on, the cards stay as they are. */
  async updatePermissionHeader(header: PermissionHeader, hash: string, cardSum: bigint, appliedAt: number): Promise<void> {
    await this.exclusive(() => this.writeHeader(header, hash, cardSum, appliedAt));
  }

  private async writeHeader(header: PermissionHeader, hash: string, cardSum: bigint, appliedAt: number): Promise<void> {
    await run(this.db, 'UPDATE permission_header SET version = ?, hash = ?, card_sum = ?, applied_at = ?, header = ? WHERE id = 1', [
      header.version,
      hash,
      cardSum.toString(16),
      appliedAt,
      JSON.stringify(header),
    ]);
  }

  /** Stores a whole set given as an object (tests, benchmarks, tools): as the JSON payload the server would send. */
  async savePermissions(set: PermissionSet, hash: string, cardSum: bigint, appliedAt: number): Promise<void> {
    const { cards: _cards, ...header } = set;
    const payload = Buffer.from(JSON.stringify({ kind: 'snapshot', set, hash }));
    await this.savePermissionPayload({ header, hash, cardSum, appliedAt }, [payload]);
  }

  /** The stored set as an object, decoded on this thread (tests and tools; the agent loads through its worker). */
  async loadPermissions(agentId?: string): Promise<StoredPermissions | null> {
    const stored = await this.loadPermissionPayload();
    if (!stored) return null;
    const pages: Uint8Array[] = [];
    for await (const page of stored.pages) pages.push(page);
    const changes = new Map<string, string>();
    for await (const rows of stored.changes) for (const [credential, card] of rows) changes.set(credential, card);
    const decoded = decodePermissionPayload(Buffer.concat(pages), {
      agentId: agentId ?? stored.header.agentId,
      stored: { header: stored.header, hash: stored.hash, changes },
    });
    if (decoded.kind !== 'snapshot') throw new Error('the stored set is not a snapshot');
    const cards = [...CardTable.view(decoded.table, stored.header.cardTypeCeilings, new Map()).payloads()];
    return { set: { ...stored.header, cards }, hash: stored.hash, cardSum: stored.cardSum, appliedAt: stored.appliedAt };
  }

  // ------------------------------------------------------------ outbox

  /** Persists events (already numbered) in one transaction. */
  async appendEvents(events: readonly AgentEvent[]): Promise<void> {
    if (events.length === 0) return;
    const maxSeq = events.reduce((m, e) => Math.max(m, e.seq), 0);
    await this.exclusive(() =>
      this.transaction(async () => {
        for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
          const chunk = events.slice(i, i + ROWS_PER_INSERT);
          const params: (number | string)[] = [];
          for (const event of chunk) params.push(event.seq, JSON.stringify(event));
          await run(this.db, `INSERT INTO outbox (seq, event) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, params);
        }
        await run(
          this.db,
          `INSERT INTO meta (key, value) VALUES ('last_seq', ?)
           ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
          [String(maxSeq)],
        );
      }),
    );
    this.lastSeqValue = Math.max(this.lastSeqValue, maxSeq);
  }

  /** Events with `seq > afterSeq`, oldest first. */
  async readEvents(afterSeq: number, limit: number): Promise<AgentEvent[]> {
    return this.exclusive(async () => {
      const rows = await all<{ event: string }>(this.db, 'SELECT event FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?', [afterSeq, limit]);
      return rows.map((r) => JSON.parse(r.event) as AgentEvent);
    });
  }

  /** Deletes acknowledged events; returns how many were still there. */
  async deleteEvents(seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return this.exclusive(async () => {
      let deleted = 0;
      for (let i = 0; i < seqs.length; i += ROWS_PER_INSERT) {
        const chunk = seqs.slice(i, i + ROWS_PER_INSERT);
        deleted += (await run(this.db, `DELETE FROM outbox WHERE seq IN (${chunk.map(() => '?').join(', ')})`, [...chunk])).changes;
      }
      return deleted;
    });
  }

  async countEvents(): Promise<number> {
    return this.exclusive(async () => (await get<{ n: number }>(this.db, 'SELECT COUNT(*) AS n FROM outbox'))?.n ?? 0);
  }

  // ------------------------------------------------------------ reader settings

  /** A value readers keep across restarts (OSDP keys, COMSET changes); see `ReaderSettingsStore`. */
  async readSetting(key: string): Promise<string | null> {
    return this.exclusive(
      async () => (await get<{ value: string }>(this.db, 'SELECT value FROM meta WHERE key = ?', [`setting:${key}`]))?.value ?? null,
    );
  }

  async writeSetting(key: string, value: string): Promise<void> {
    await this.exclusive(() =>
      run(this.db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        `setting:${key}`,
        value,
      ]),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`local store ${this.file} is closed`));
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async transaction(work: () => Promise<void>): Promise<void> {
    await exec(this.db, 'BEGIN IMMEDIATE');
    try {
      await work();
      await exec(this.db, 'COMMIT');
    } catch (err) {
      await exec(this.db, 'ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<RunResult> {
  return new Promise((resolve, reject) =>
    db.run(sql, params, function (this: RunResult, err: Error | null) {
      if (err) reject(err);
      else resolve({ changes: this.changes, lastID: this.lastID });
    }),
  );
}

function get<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return new Promise((resolve, reject) => db.get<T>(sql, params, (err, row) => (err ? reject(err) : resolve(row))));
}

function all<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => db.all<T>(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
}
