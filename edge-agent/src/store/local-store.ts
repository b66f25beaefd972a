/**
 * The agent's durable state in `<dataDir>/agent.sqlite` (WAL), through the asynchronous
 * sqlite3 driver so no query ever blocks the event loop (and with it the badge path):
 *
 * - the permission set in force: a header row plus one row per card, replaced in one
 *   transaction, so a crash leaves either the old set or the new one;
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

export const STORE_FILE = 'agent.sqlite';
const SCHEMA_VERSION = 1;
/** Rows per multi-row INSERT (two parameters each, well under SQLite's variable limit). */
const ROWS_PER_INSERT = 2000;

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

  async loadPermissions(): Promise<StoredPermissions | null> {
    return this.exclusive(async () => {
      const header = await get<{ hash: string; card_sum: string; applied_at: number; header: string }>(
        this.db,
        'SELECT hash, card_sum, applied_at, header FROM permission_header WHERE id = 1',
      );
      if (!header) return null;
      const rows = await all<{ card: string }>(this.db, 'SELECT card FROM permission_cards');
      const cards = rows.map((r) => JSON.parse(r.card) as PermissionCard);
      const set = { ...(JSON.parse(header.header) as Omit<PermissionSet, 'cards'>), cards } as PermissionSet;
      return { set, hash: header.hash, cardSum: BigInt(`0x${header.card_sum}`), appliedAt: header.applied_at };
    });
  }

  /**
   * The stored set's header, card count and hash state, and its cards as an async sequence of
   * pages: the agent compiles them as they come instead of holding every parsed card at once.
   * The pages are read after the header within one exclusive turn of the store, so a set
   * being replaced is never read half old, half new.
   */
  async loadPermissionsPaged(pageSize = 2_000): Promise<{ header: Omit<PermissionSet, 'cards'>; cardCount: number; hash: string; cardSum: bigint; appliedAt: number; pages: AsyncIterable<PermissionCard[]> } | null> {
    const head = await this.exclusive(async () => {
      const header = await get<{ hash: string; card_sum: string; applied_at: number; header: string }>(
        this.db,
        'SELECT hash, card_sum, applied_at, header FROM permission_header WHERE id = 1',
      );
      if (!header) return null;
      const count = (await get<{ n: number }>(this.db, 'SELECT COUNT(*) AS n FROM permission_cards'))?.n ?? 0;
      return { header, count };
    });
    if (!head) return null;
    const db = this.db;
    const store = this;
    async function* pages(): AsyncGenerator<PermissionCard[]> {
      let after = '';
      for (;;) {
        const rows = await store.exclusive(() =>
          all<{ credential: string; card: string }>(db, 'SELECT credential, card FROM permission_cards WHERE credential > ? ORDER BY credential LIMIT ?', [after, pageSize]),
        );
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.credential;
        yield rows.map((r) => JSON.parse(r.card) as PermissionCard);
      }
    }
    return {
      header: JSON.parse(head.header.header) as Omit<PermissionSet, 'cards'>,
      cardCount: head.count,
      hash: head.header.hash,
      cardSum: BigInt(`0x${head.header.card_sum}`),
      appliedAt: head.header.applied_at,
      pages: pages(),
    };
  }

  /** Applies a delta to the stored set in one transaction: cards replaced or removed, new header. */
  async applyPermissionDelta(
    header: Omit<PermissionSet, 'cards'>,
    upserts: readonly PermissionCard[],
    removals: readonly string[],
    hash: string,
    cardSum: bigint,
    appliedAt: number,
  ): Promise<void> {
    await this.exclusive(() =>
      this.transaction(async () => {
        for (let i = 0; i < removals.length; i += ROWS_PER_INSERT) {
          const chunk = removals.slice(i, i + ROWS_PER_INSERT);
          await run(this.db, `DELETE FROM permission_cards WHERE credential IN (${chunk.map(() => '?').join(', ')})`, [...chunk]);
        }
        for (let i = 0; i < upserts.length; i += ROWS_PER_INSERT) {
          const chunk = upserts.slice(i, i + ROWS_PER_INSERT);
          const params: string[] = [];
          for (const card of chunk) params.push(card.credential, JSON.stringify(card));
          await run(this.db, `INSERT OR REPLACE INTO permission_cards (credential, card) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, params);
        }
        await run(this.db, 'UPDATE permission_header SET version = ?, hash = ?, card_sum = ?, applied_at = ?, header = ? WHERE id = 1', [
          header.version,
          hash,
          cardSum.toString(16),
          appliedAt,
          JSON.stringify(header),
        ]);
      }),
    );
  }

  /** Replaces the stored set in one transaction. */
  async savePermissions(set: PermissionSet, hash: string, cardSum: bigint, appliedAt: number): Promise<void> {
    const { cards, ...header } = set;
    await this.exclusive(() =>
      this.transaction(async () => {
        await run(this.db, 'DELETE FROM permission_cards');
        for (let i = 0; i < cards.length; i += ROWS_PER_INSERT) {
          const chunk = cards.slice(i, i + ROWS_PER_INSERT);
          const params: string[] = [];
          for (const card of chunk) params.push(card.credential, JSON.stringify(card));
          await run(this.db, `INSERT INTO permission_cards (credential, card) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, params);
        }
        await run(
          this.db,
          `INSERT INTO permission_header (id, version, hash, card_sum, applied_at, header) VALUES (1, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET version = excluded.version, hash = excluded.hash, card_sum = excluded.card_sum,
             applied_at = excluded.applied_at, header = excluded.header`,
          [set.version, hash, cardSum.toString(16), appliedAt, JSON.stringify(header)],
        );
      }),
    );
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
    return this.exclusive(async () => (await get<{ value: string }>(this.db, 'SELECT value FROM meta WHERE key = ?', [`setting:${key}`]))?.value ?? null);
  }

  async writeSetting(key: string, value: string): Promise<void> {
    await this.exclusive(() =>
      run(this.db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [`setting:${key}`, value]),
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
