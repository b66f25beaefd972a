import { setImmediate } from 'node:timers/promises';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, type EntityManager, In, Repository } from 'typeorm';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import { displayCredential } from '@acs/shared/credentials/credential';
import type { AuthContext } from '../auth/roles.js';
import { forbidden, invalid } from '../common/api-exception.js';
import { checkPeriodOrder } from '../common/period.query.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { DoorRepository } from '../doors/door.repository.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import type { ListEventsQuery } from './dto/list-events.query.js';
import { decodeEventCursor, encodeEventCursor } from './event-cursor.js';
import { EventEntity } from './event.entity.js';
import { placeholder, quotedTable } from '../database/raw-sql.js';
import { RefusedEventEntity } from './refused-event.entity.js';
import { type AdmittedEvent, EventAdmission } from './event-admission.js';
import { SeqTracker } from './seq-tracker.js';

const DEFAULT_PAGE = 50;
const INSERT_CHUNK = 200;
const DOOR_NAMES_TTL_MS = 1000;

export interface IngestResult {
  /** Every sequence number of the batch: stored now or before, or refused for good, so the agent may drop them. */
  ackSeqs: number[];
  stored: EventView[];
  duplicates: number;
  /** Events refused by the admission checks (logged with the reason). */
  refused: number;
}

export function toEventRow(event: AgentEvent, receivedAt: number, deviceOccurredAt: number | null = null): EventEntity {
  const row: EventEntity = {
    eventId: event.eventId,
    agentId: event.agentId,
    seq: event.seq,
    kind: event.kind,
    occurredAt: event.occurredAt,
    deviceOccurredAt,
    receivedAt,
    doorId: null,
    readerId: null,
    deviceId: null,
    direction: null,
    zoneId: null,
    credential: null,
    cardId: null,
    personId: null,
    holder: null,
    granted: null,
    reason: null,
    type: null,
    detail: null,
    permissionVersion: null,
  };
  switch (event.kind) {
    case 'access':
      Object.assign(row, {
        doorId: event.doorId,
        readerId: event.readerId,
        direction: event.direction,
        zoneId: event.zoneId,
        credential: event.credential,
        cardId: event.cardId,
        personId: event.personId,
        holder: event.holder,
        granted: event.granted,
        reason: event.reason,
        permissionVersion: event.permissionVersion,
      });
      break;
    case 'door':
      Object.assign(row, { doorId: event.doorId, type: event.type });
      break;
    case 'device':
      Object.assign(row, { deviceId: event.deviceId, type: event.type, detail: event.detail });
      break;
  }
  return row;
}

export function toEventView(row: EventEntity, doorNames: ReadonlyMap<string, string>): EventView {
  return {
    eventId: row.eventId,
    agentId: row.agentId,
    deviceId: row.deviceId,
    seq: row.seq,
    kind: row.kind,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    deviceOccurredAt: row.deviceOccurredAt,
    doorId: row.doorId,
    doorName: row.doorId ? (doorNames.get(row.doorId) ?? null) : null,
    direction: row.direction,
    zoneId: row.zoneId,
    credential: row.credential,
    credentialDisplay: row.credential ? displayCredential(row.credential) : null,
    cardId: row.cardId,
    personId: row.personId,
    holder: row.holder,
    granted: row.granted,
    reason: row.reason,
    type: row.type,
    detail: row.detail,
  };
}

@Injectable()
export class EventsService implements OnModuleInit {
  private readonly logger = new Logger('Events');
  private doorNameCache: { at: number; names: Map<string, string> } | null = null;

  constructor(
    @InjectRepository(EventEntity) private readonly repo: Repository<EventEntity>,
    @InjectRepository(RefusedEventEntity) private readonly refusedRepo: Repository<RefusedEventEntity>,
    private readonly doors: DoorRepository,
    private readonly seqs: SeqTracker,
    private readonly admission: EventAdmission,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
    private readonly signals: DomainSignalBus,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    // Events any instance stored (this one included), announced through PostgreSQL: pushed
    // to this instance's dashboards.
    this.realtime.onStoredEvents((ids) => {
      void this.pushStored(ids).catch((err: unknown) => this.logger.error(`pushing stored events failed: ${(err as Error).message}`));
    });
  }

  private async pushStored(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const names = await this.doorNames();
    const rows = await this.repo.find({ where: { eventId: In(ids) }, order: { occurredAt: 'ASC' } });
    for (const row of rows) this.realtime.emitEventLocally(toEventView(row, names));
  }

  /**
   * Stores a batch idempotently: an event id already stored is skipped (insert-or-ignore on
   * both drivers). The caller serialises batches per agent, so "not there before" means "new".
   * Each event first passes the admission checks: refused events are not stored but are
   * acknowledged (the refusal is final and logged), corrected ones are stored as corrected.
   */
  async ingest(agentId: string, events: readonly AgentEvent[]): Promise<IngestResult> {
    const receivedAt = this.clock.now();
    const unique = new Map<string, AgentEvent>();
    for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);
    const ids = [...unique.keys()];
    const existing = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.repo.find({ select: { eventId: true }, where: { eventId: In(ids.slice(i, i + 500)) } });
      for (const r of rows) existing.add(r.eventId);
    }
    const candidates = [...unique.values()].filter((e) => !existing.has(e.eventId));
    const { admitted, refused } = candidates.length
      ? await this.admission.admit(agentId, candidates, receivedAt)
      : { admitted: [], refused: [] };
    const fresh = admitted.map((a) => toEventRow(a.event, receivedAt, a.deviceOccurredAt));
    const channel = this.realtime.storedEventsChannel ?? null;
    if (channel === null) {
      for (let i = 0; i < fresh.length; i += INSERT_CHUNK) await this.insertRows(this.repo.manager, fresh.slice(i, i + INSERT_CHUNK));
    } else if (fresh.length > 0) {
      // Stored and announced to every instance in one transaction (see storedEventsChannel).
      await this.repo.manager.transaction(async (m) => {
        for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
          const chunk = fresh.slice(i, i + INSERT_CHUNK);
          await this.insertRows(m, chunk);
          // NOTIFY payloads stay under 8,000 bytes: 100 ids of 36 characters.
          for (let j = 0; j < chunk.length; j += 100) {
            await m.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(chunk.slice(j, j + 100).map((e) => e.eventId))]);
          }
        }
      });
    }
    if (refused.length > 0) {
      const rows = refused.map(({ event, reason }) => ({
        eventId: event.eventId,
        agentId,
        seq: event.seq,
        reason: reason.slice(0, 500),
        payload: JSON.stringify(event).slice(0, 2000),
        receivedAt,
      }));
      await this.refusedRepo.createQueryBuilder().insert().into(RefusedEventEntity).values(rows).orIgnore().execute();
    }
    await this.seqs.observe(agentId, [...fresh.map((e) => e.seq), ...refused.map((r) => r.event.seq)]);
    this.metrics.recordIngest(
      { stored: fresh.length, duplicate: events.length - fresh.length - refused.length, refused: refused.length },
      admitted.map((a) => a.event.occurredAt),
      this.clock.now(),
    );
    const doorNames = fresh.length ? await this.doorNames() : new Map<string, string>();
    const stored = fresh.map((row) => toEventView(row, doorNames));
    const worst = admitted.reduce<AdmittedEvent | null>(
      (w, a) =>
        a.deviceOccurredAt !== null && (!w || Math.abs(a.deviceOccurredAt - receivedAt) > Math.abs(w.deviceOccurredAt! - receivedAt))
          ? a
          : w,
      null,
    );
    if (worst) {
      // The agent's clock (or its honesty) is off by more than the window: the clock-drift alert says so.
      this.signals.emit('agent.clock', { agentId, driftMs: worst.deviceOccurredAt! - receivedAt, at: receivedAt });
    }
    for (const view of stored) {
      if (channel === null) this.realtime.emitEvent(view);
      this.signals.emit('agent.event', view);
    }
    return {
      ackSeqs: [...new Set(events.map((e) => e.seq))],
      stored,
      duplicates: events.length - fresh.length - refused.length,
      refused: refused.length,
    };
  }

  /** Newest first, cursor paging; employees see only their own events. */
  async list(auth: AuthContext, query: ListEventsQuery): Promise<Page<EventView>> {
    let personId = query.personId;
    if (auth.user.role === 'employee') {
      if (personId !== undefined && personId !== auth.user.personId) throw forbidden('Employees see only their own events');
      if (!auth.user.personId) return { items: [], next: null };
      personId = auth.user.personId;
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const qb = this.repo
      .createQueryBuilder('e')
      .orderBy('e.occurredAt', 'DESC')
      .addOrderBy('e.eventId', 'DESC')
      .limit(limit + 1);
    if (query.doorId !== undefined) qb.andWhere('e.doorId = :doorId', { doorId: query.doorId });
    if (personId !== undefined) qb.andWhere('e.personId = :personId', { personId });
    if (query.reason !== undefined) qb.andWhere('e.reason = :reason', { reason: query.reason });
    if (query.zoneId !== undefined) qb.andWhere('e.zoneId = :zoneId', { zoneId: query.zoneId });
    if (query.kind !== undefined) qb.andWhere('e.kind = :kind', { kind: query.kind });
    if (query.from !== undefined) qb.andWhere('e.occurredAt >= :from', { from: query.from });
    if (query.to !== undefined) qb.andWhere('e.occurredAt < :to', { to: query.to });
    checkPeriodOrder(query);
    if (query.before !== undefined) {
      const cursor = decodeEventCursor(query.before);
      if (!cursor) throw invalid('before must be the `next` cursor of a previous page');
      // `<=` first so the index range ends at the cursor (see `stream`).
      qb.andWhere('e.occurredAt <= :t AND (e.occurredAt < :t OR e.eventId < :id)', { t: cursor.occurredAt, id: cursor.eventId });
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const doorNames = await this.doorNames();
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toEventView(r, doorNames)),
      next: rows.length > limit && last ? encodeEventCursor(last) : null,
    };
  }

  /**
   * Every event the query names, oldest first, a page at a time (keyset on occurred_at and
   * event id): a CSV of millions of rows streams in bounded memory.
   */
  async *stream(auth: AuthContext, query: ListEventsQuery, pageSize = 2000): AsyncGenerator<EventView[]> {
    const doorNames = await this.doorNames();
    let cursor: { occurredAt: number; eventId: string } | null = null;
    for (;;) {
      const qb = this.repo.createQueryBuilder('e').orderBy('e.occurredAt', 'ASC').addOrderBy('e.eventId', 'ASC').limit(pageSize);
      if (query.doorId !== undefined) qb.andWhere('e.doorId = :doorId', { doorId: query.doorId });
      if (query.personId !== undefined) qb.andWhere('e.personId = :personId', { personId: query.personId });
      if (query.zoneId !== undefined) qb.andWhere('e.zoneId = :zoneId', { zoneId: query.zoneId });
      if (query.kind !== undefined) qb.andWhere('e.kind = :kind', { kind: query.kind });
      if (query.from !== undefined) qb.andWhere('e.occurredAt >= :from', { from: query.from });
      if (query.to !== undefined) qb.andWhere('e.occurredAt < :to', { to: query.to });
      // The redundant `>=` lets the occurred_at index start at the cursor: with the OR alone,
      // PostgreSQL scanned from the period's start on every page (1M rows: 75 s).
      if (cursor)
        qb.andWhere('e.occurredAt >= :t AND (e.occurredAt > :t OR e.eventId > :id)', { t: cursor.occurredAt, id: cursor.eventId });
      const rows = await qb.getMany();
      if (!rows.length) return;
      yield rows.map((r) => toEventView(r, doorNames));
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      cursor = { occurredAt: last.occurredAt, eventId: last.eventId };
      // SQLite queries run synchronously: between pages, let agents' messages and other
      // requests through so a long export never holds up an alert.
      await setImmediate();
    }
  }

  /**
   * One multi-row `INSERT … ON CONFLICT DO NOTHING` written by hand: TypeORM's insert builder
   * spends time quadratic in the number of parameters (2,000 for a batch of 100 events: a
   * tenth of the server's CPU under load in the cluster benchmark). Values still go through
   * the driver's own conversion (booleans on SQLite, the epoch transformers).
   */
  private async insertRows(manager: EntityManager, rows: readonly EventEntity[]): Promise<void> {
    if (rows.length === 0) return;
    const ds = manager.connection;
    const columns = this.repo.metadata.columns;
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const marks = columns.map((column) => {
        values.push(ds.driver.preparePersistentValue(column.getEntityValue(row), column));
        return placeholder(ds, values.length);
      });
      return `(${marks.join(', ')})`;
    });
    const names = columns.map((c) => ds.driver.escape(c.databaseName)).join(', ');
    await manager.query(
      `INSERT INTO ${quotedTable(ds, EventEntity)} (${names}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      values,
    );
  }

  /** Door names for views; read at most once per second (every batch of every agent needs them). */
  private async doorNames(): Promise<Map<string, string>> {
    const now = Date.now();
    if (this.doorNameCache && now - this.doorNameCache.at < DOOR_NAMES_TTL_MS) return this.doorNameCache.names;
    const doors = await this.doors.names();
    const names = new Map(doors.map((d) => [d.id, d.name]));
    this.doorNameCache = { at: now, names };
    return names;
  }

  // ---- asked by alerts (the repeated-denials rule) -----------------------------------

  /** Stored denials of one credential at one door between `from` and `to` (inclusive). */
  async countDenials(doorId: string, credential: string, from: number, to: number): Promise<number> {
    return this.repo.count({ where: { doorId, credential, kind: 'access', granted: false, occurredAt: Between(from, to) } });
  }
}
