import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DeleteQueryBuilder,
  In,
  type DataSource,
  type EntityMetadata,
  type EntitySubscriberInterface,
  type InsertEvent,
  InsertQueryBuilder,
  type ObjectLiteral,
  type QueryBuilder,
  type QueryRunner,
  type RemoveEvent,
  SelectQueryBuilder,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
  UpdateQueryBuilder,
  type UpdateEvent,
} from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { AuditChain, AuditDraft } from './audit-chain.js';
import { type AuditContext, currentAuditContext } from './audit-context.js';
import { canonicalJson } from './audit-hash.js';
import { INCIDENTAL_COLUMNS, isAuditedTable, isSecretColumn, redact, SYSTEM_COLUMNS } from './audit-policy.js';

type Snapshot = Record<string, unknown>;

/**
 * The query builder whose UPDATE or DELETE is running. TypeORM tells subscribers about such
 * writes without saying which rows they hit; the builder's WHERE finds them.
 */
interface BuilderWrite {
  builder: QueryBuilder<ObjectLiteral>;
  /** Rows as they were before the write, loaded in `beforeUpdate` / `beforeRemove`. */
  before: ObjectLiteral[] | null;
}

const activeWrite = new AsyncLocalStorage<BuilderWrite>();

type Executable = { prototype: { execute: (this: QueryBuilder<ObjectLiteral>) => Promise<unknown> } };
let buildersPatched = false;

/**
 * Makes every INSERT/UPDATE/DELETE query builder of an audited table that runs for a
 * person visible to the subscriber (see {@link BuilderWrite}), and on PostgreSQL runs it in
 * a transaction so the change and its audit entries commit together. Process-wide, once;
 * inert outside an audit context.
 */
export function patchQueryBuildersForAudit(): void {
  if (buildersPatched) return;
  buildersPatched = true;
  for (const Builder of [InsertQueryBuilder, UpdateQueryBuilder, DeleteQueryBuilder] as unknown as Executable[]) {
    const original = Builder.prototype.execute;
    Builder.prototype.execute = function execute(this: QueryBuilder<ObjectLiteral>) {
      const alias = this.expressionMap.mainAlias;
      if (
        !currentAuditContext()?.actor ||
        !alias?.hasMetadata ||
        !this.expressionMap.callListeners ||
        !isAuditedTable(alias.metadata.tableName)
      ) {
        return original.call(this);
      }
      // On SQLite every request shares one connection, so a transaction opened here would
      // swallow other requests' statements; there the entry follows the change at once.
      if (this.dataSource.driver.options.type === 'postgres') this.expressionMap.useTransaction = true;
      return activeWrite.run({ builder: this, before: null }, () => original.call(this));
    };
  }
}

interface PendingEntry {
  /** Transaction depth the entry was made at: a rollback to a savepoint drops deeper ones. */
  depth: number;
  draft: AuditDraft;
}

/**
 * Records every insert, update and delete of an audited table made for a person (an audit
 * context with an actor: a signed-in HTTP request or a CLI command) with the row before and
 * after. Inside a transaction the entries wait for its commit and are appended just before
 * it (so the chain's lock is taken last and held briefly); a rollback discards them.
 */
export class AuditSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  private readonly pending = new WeakMap<QueryRunner, PendingEntry[]>();

  constructor(
    private readonly chain: AuditChain,
    private clock: Clock,
  ) {}

  useClock(clock: Clock): void {
    this.clock = clock;
  }

  async afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    const context = personContext();
    if (!context || !isAuditedTable(event.metadata.tableName) || !event.entity) return;
    const after = snapshot(event.metadata, event.entity);
    await this.add(event.queryRunner, context, 'create', event.metadata, entityId(event.metadata, event.entity), null, after);
  }

  async beforeUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    if (event.databaseEntity || !personContext() || !isAuditedTable(event.metadata.tableName)) return;
    await this.loadBefore(event.metadata, event.queryRunner);
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    const context = personContext();
    const metadata = event.metadata;
    if (!context || !isAuditedTable(metadata.tableName)) return;
    if (event.databaseEntity) {
      // save(): TypeORM loaded the row and `entity` holds what was saved over it.
      const before = snapshot(metadata, event.databaseEntity);
      const after = { ...before, ...snapshot(metadata, event.entity ?? {}) };
      if (!significantChange(metadata, before, after)) return;
      await this.add(event.queryRunner, context, 'update', metadata, entityId(metadata, event.databaseEntity), before, after);
      return;
    }
    const write = this.writeOf(metadata);
    if (!write?.before?.length) return;
    const reloaded = await reloadRows(event.queryRunner, metadata, write.before);
    const afterById = new Map(reloaded.map((row) => [entityId(metadata, row), row]));
    for (const row of write.before) {
      const id = entityId(metadata, row);
      const current = afterById.get(id);
      const before = snapshot(metadata, row);
      const after = current ? snapshot(metadata, current) : null;
      if (after && !significantChange(metadata, before, after)) continue;
      await this.add(event.queryRunner, context, after ? 'update' : 'delete', metadata, id, before, after);
    }
  }

  async beforeRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    if (event.databaseEntity || event.entity || !personContext() || !isAuditedTable(event.metadata.tableName)) return;
    await this.loadBefore(event.metadata, event.queryRunner);
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    const context = personContext();
    const metadata = event.metadata;
    if (!context || !isAuditedTable(metadata.tableName)) return;
    const removed = event.databaseEntity ?? event.entity;
    if (removed) {
      const id = entityId(metadata, removed) ?? (event.entityId === undefined ? null : stringId(event.entityId));
      await this.add(event.queryRunner, context, 'delete', metadata, id, snapshot(metadata, removed), null);
      return;
    }
    for (const row of this.writeOf(metadata)?.before ?? []) {
      await this.add(event.queryRunner, context, 'delete', metadata, entityId(metadata, row), snapshot(metadata, row), null);
    }
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    // Releasing a savepoint: its entries now belong to the enclosing transaction.
    if (depthOf(runner) > 1) return;
    const entries = this.pending.get(runner);
    if (!entries?.length) return;
    this.pending.delete(runner);
    await this.chain.append(
      entries.map((e) => e.draft),
      runner,
    );
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    const entries = this.pending.get(runner);
    if (!entries) return;
    const kept = entries.filter((e) => e.depth <= depthOf(runner));
    if (kept.length) this.pending.set(runner, kept);
    else this.pending.delete(runner);
  }

  private writeOf(metadata: EntityMetadata): BuilderWrite | undefined {
    const write = activeWrite.getStore();
    return write && write.builder.expressionMap.mainAlias?.metadata === metadata ? write : undefined;
  }

  /** The rows an UPDATE or DELETE builder is about to touch, read with its own WHERE. */
  private async loadBefore(metadata: EntityMetadata, runner: QueryRunner): Promise<void> {
    const write = this.writeOf(metadata);
    if (!write) return;
    const select = new SelectQueryBuilder<ObjectLiteral>(write.builder);
    select.setQueryRunner(runner);
    select.expressionMap.queryType = 'select';
    delete select.expressionMap.valuesSet;
    // `repository.createQueryBuilder().update(Entity)` leaves a second, unused alias behind.
    const main = select.expressionMap.mainAlias!;
    select.expressionMap.aliases = select.expressionMap.aliases.filter((a) => a.name === main.name);
    select.select(main.name);
    // PostgreSQL: lock the rows so what we read is exactly what the write replaces.
    if (runner.dataSource.driver.options.type === 'postgres' && runner.isTransactionActive) select.setLock('pessimistic_write');
    write.before = await select.getMany();
  }

  /** Adds an entry made outside the entity events (AuditService.record) to the runner's transaction, or appends it now. */
  async enqueue(runner: QueryRunner | undefined, draft: AuditDraft): Promise<void> {
    if (runner?.isTransactionActive) {
      const entries = this.pending.get(runner) ?? [];
      entries.push({ depth: depthOf(runner), draft });
      this.pending.set(runner, entries);
    } else {
      await this.chain.append([draft], runner);
    }
  }

  private async add(
    runner: QueryRunner,
    context: AuditContext,
    action: 'create' | 'update' | 'delete',
    metadata: EntityMetadata,
    id: string | null,
    before: Snapshot | null,
    after: Snapshot | null,
  ): Promise<void> {
    const draft: AuditDraft = {
      at: this.clock.now(),
      source: context.source,
      actor: context.actor,
      action,
      entityType: metadata.tableName,
      entityId: id,
      before,
      after,
      requestId: context.requestId,
      ip: context.ip,
      detail: null,
    };
    await this.enqueue(runner, draft);
  }
}

/** Nesting level of the runner's transaction (1 = outermost); every driver's runner keeps it, the interface does not show it. */
function depthOf(runner: QueryRunner): number {
  return (runner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? (runner.isTransactionActive ? 1 : 0);
}

/** The audit context when a person (not the system) is acting. */
function personContext(): AuditContext | null {
  const context = currentAuditContext();
  return context?.actor ? context : null;
}

/** The rows again, by primary key, in chunks small enough for any database's parameter and expression limits. */
async function reloadRows(runner: QueryRunner, metadata: EntityMetadata, rows: readonly ObjectLiteral[]): Promise<ObjectLiteral[]> {
  const out: ObjectLiteral[] = [];
  const primary = metadata.primaryColumns;
  if (primary.length === 1) {
    const ids = rows.map((row) => primary[0]!.getEntityValue(row) as unknown);
    for (let i = 0; i < ids.length; i += 500) {
      out.push(...(await runner.manager.find(metadata.target, { where: { [primary[0]!.propertyPath]: In(ids.slice(i, i + 500)) } })));
    }
    return out;
  }
  for (let i = 0; i < rows.length; i += 100) {
    out.push(
      ...(await runner.manager.find(metadata.target, { where: rows.slice(i, i + 100).map((row) => metadata.getEntityIdMap(row)!) })),
    );
  }
  return out;
}

/** Column values by property name, without the server's own bookkeeping columns and with secrets redacted. */
function snapshot(metadata: EntityMetadata, entity: ObjectLiteral): Snapshot {
  const skip = SYSTEM_COLUMNS[metadata.tableName] ?? [];
  const out: Snapshot = {};
  for (const column of metadata.columns) {
    if (skip.includes(column.databaseName)) continue;
    const value: unknown = column.getEntityValue(entity);
    // Absent from a partial write, or a raw SQL expression: not known here.
    if (value === undefined || typeof value === 'function') continue;
    out[column.propertyPath] = isSecretColumn(column.databaseName) ? redact(value) : value instanceof Date ? value.getTime() : value;
  }
  return out;
}

function significantChange(metadata: EntityMetadata, before: Snapshot, after: Snapshot): boolean {
  const incidental = new Set(metadata.columns.filter((c) => INCIDENTAL_COLUMNS.has(c.databaseName)).map((c) => c.propertyPath));
  const strip = (s: Snapshot) => Object.fromEntries(Object.entries(s).filter(([key]) => !incidental.has(key)));
  return canonicalJson(strip(before)) !== canonicalJson(strip(after));
}

function stringId(value: unknown): string {
  return typeof value === 'object' && value !== null ? canonicalJson(value) : String(value);
}

function entityId(metadata: EntityMetadata, entity: ObjectLiteral): string | null {
  const map = metadata.getEntityIdMap(entity);
  if (!map) return null;
  const values = Object.values(map);
  return values.length === 1 ? String(values[0]) : canonicalJson(map);
}

/**
 * Registers the audit subscriber on a data source (once; a second call only swaps the
 * clock) and patches the query builders. Used by the Nest module and by the CLI.
 */
export function installAuditing(dataSource: DataSource, chain: AuditChain, clock: Clock): AuditSubscriber {
  patchQueryBuildersForAudit();
  const existing = dataSource.subscribers.find((s): s is AuditSubscriber => s instanceof AuditSubscriber);
  if (existing) {
    existing.useClock(clock);
    return existing;
  }
  const subscriber = new AuditSubscriber(chain, clock);
  (dataSource.subscribers as EntitySubscriberInterface<unknown>[]).push(subscriber);
  return subscriber;
}
