import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { AuditSource, AuditVerifyView } from '@acs/shared/api/audit';
import { AUDIT_HEAD_ROW_ID, AuditChainHeadEntity } from './audit-chain-head.entity.js';
import type { AuditActor } from './audit-context.js';
import { auditEntryHash, canonicalJson, GENESIS_HASH } from './audit-hash.js';
import { AuditLogEntity } from './audit-log.entity.js';

/** An entry before it has its place in the chain. */
export interface AuditDraft {
  at: number;
  source: AuditSource;
  actor: AuditActor | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  ip: string | null;
  detail: string | null;
}

const INSERT_CHUNK = 100;
const VERIFY_PAGE = 500;
/** SQLite only: another process (the CLI) may have appended between our read of the head and our insert. */
const SQLITE_APPEND_ATTEMPTS = 5;

/** Serialises async work in this process (SQLite shares one connection between all requests). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const clip = (text: string | null, max: number) => (text === null ? null : text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Appends to and verifies the hash chain of audit_log. Concurrent appends cannot fork the
 * chain: on PostgreSQL each append locks the head row (`FOR UPDATE`, held to the end of the
 * transaction, so entries commit in chain order); on SQLite, one writer, appends are
 * serialised in the process. The database triggers refuse any insert that does not extend
 * the head, so even a faulty writer cannot fork it.
 */
export class AuditChain {
  private readonly logger = new Logger('Audit');
  private readonly sqliteMutex = new Mutex();

  constructor(readonly dataSource: DataSource) {}

  private get isPostgres(): boolean {
    return this.dataSource.driver.options.type === 'postgres';
  }

  /**
   * Appends the drafts in order. Inside `queryRunner`'s transaction when it has one (the
   * entries commit or roll back with the change); otherwise in a transaction of their own
   * (PostgreSQL) or as one multi-row statement (SQLite, where a trigger advances the head
   * in the same statement).
   */
  async append(drafts: readonly AuditDraft[], queryRunner?: QueryRunner): Promise<AuditLogEntity[]> {
    if (drafts.length === 0) return [];
    if (!this.isPostgres) {
      const manager = (queryRunner ?? this.dataSource.createQueryRunner()).manager;
      return this.sqliteMutex.run(() => this.appendSqlite(manager, drafts));
    }
    if (queryRunner?.isTransactionActive) return this.appendLocked(queryRunner.manager, drafts);
    const own = this.dataSource.createQueryRunner();
    try {
      await own.startTransaction();
      const rows = await this.appendLocked(own.manager, drafts);
      await own.commitTransaction();
      return rows;
    } catch (err) {
      if (own.isTransactionActive) await own.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await own.release();
    }
  }

  private async appendSqlite(manager: EntityManager, drafts: readonly AuditDraft[]): Promise<AuditLogEntity[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendLocked(manager, drafts);
      } catch (err) {
        if (attempt >= SQLITE_APPEND_ATTEMPTS || !/does not extend the chain/.test((err as Error).message)) throw err;
        this.logger.warn(`audit append raced another writer; retrying (attempt ${attempt + 1})`);
      }
    }
  }

  private async appendLocked(manager: EntityManager, drafts: readonly AuditDraft[]): Promise<AuditLogEntity[]> {
    const heads = manager.getRepository(AuditChainHeadEntity).createQueryBuilder('h').where('h.id = :id', { id: AUDIT_HEAD_ROW_ID });
    if (this.isPostgres) heads.setLock('pessimistic_write');
    const head = await heads.getOne();
    if (!head) throw new Error('audit_chain_head has no row: the audit migration did not run');
    let seq = head.lastSeq;
    let prev = head.lastHash;
    const rows: AuditLogEntity[] = drafts.map((d) => {
      seq += 1;
      const row: AuditLogEntity = {
        seq,
        at: d.at,
        actorUserId: d.actor?.userId ?? null,
        actorUsername: clip(d.actor?.username ?? null, 64),
        actorRole: d.actor?.role ?? null,
        source: d.source,
        action: clip(d.action, 64)!,
        entityType: clip(d.entityType, 64),
        entityId: clip(d.entityId, 200),
        beforeState: d.before === null ? null : canonicalJson(d.before),
        afterState: d.after === null ? null : canonicalJson(d.after),
        requestId: clip(d.requestId, 64),
        ip: clip(d.ip, 64),
        detail: clip(d.detail, 500),
        prevHash: prev,
        hash: '',
      };
      row.hash = auditEntryHash(prev, row);
      prev = row.hash;
      return row;
    });
    const repo = manager.getRepository(AuditLogEntity);
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await repo.insert(rows.slice(i, i + INSERT_CHUNK));
    return rows;
  }

  /**
   * Recomputes every hash from the first entry on and checks the sequence has no gap and
   * ends where the head says. Reports the first entry that fails.
   */
  async verify(): Promise<AuditVerifyView> {
    const repo = this.dataSource.getRepository(AuditLogEntity);
    let expected = 1;
    let prev = GENESIS_HASH;
    let checked = 0;
    for (;;) {
      const page = await repo
        .createQueryBuilder('a')
        .where('a.seq >= :from', { from: expected })
        .orderBy('a.seq', 'ASC')
        .limit(VERIFY_PAGE)
        .getMany();
      for (const row of page) {
        if (row.seq !== expected) {
          return {
            ok: false,
            checked,
            lastSeq: expected - 1,
            firstBadSeq: expected,
            reason: `entry ${expected} is missing: the next entry is ${row.seq}`,
          };
        }
        if (row.prevHash !== prev) {
          return {
            ok: false,
            checked,
            lastSeq: row.seq,
            firstBadSeq: row.seq,
            reason: `entry ${row.seq} does not link to entry ${row.seq - 1}: one of them was changed or replaced`,
          };
        }
        if (auditEntryHash(prev, row) !== row.hash) {
          return {
            ok: false,
            checked,
            lastSeq: row.seq,
            firstBadSeq: row.seq,
            reason: `entry ${row.seq} was changed after it was written: its content no longer matches its hash`,
          };
        }
        prev = row.hash;
        expected += 1;
        checked += 1;
      }
      if (page.length < VERIFY_PAGE) break;
    }
    const lastSeq = expected - 1;
    const head = await this.dataSource.getRepository(AuditChainHeadEntity).findOneBy({ id: AUDIT_HEAD_ROW_ID });
    if (!head) return { ok: false, checked, lastSeq, firstBadSeq: expected, reason: 'the chain head row is missing' };
    if (head.lastSeq !== lastSeq || head.lastHash !== prev) {
      const reason =
        head.lastSeq > lastSeq
          ? `entries ${lastSeq + 1} to ${head.lastSeq} are missing from the end of the log`
          : `the chain head (entry ${head.lastSeq}) does not match the last entry (${lastSeq})`;
      return { ok: false, checked, lastSeq, firstBadSeq: Math.min(head.lastSeq, lastSeq) + 1, reason };
    }
    return { ok: true, checked, lastSeq };
  }
}
