import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, Brackets, DataSource, type EntityManager, In, Like } from 'typeorm';
import type { AuditEntryView, AuditVerifyView } from '@acs/shared/api/audit';
import type { Page } from '@acs/shared/api/http';
import { invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { AuditChain } from './audit-chain.js';
import { type AuditActor, currentAuditContext } from './audit-context.js';
import { AuditLogEntity } from './audit-log.entity.js';
import { type AuditSubscriber, installAuditing } from './audit-subscriber.js';
import type { ListAuditQuery } from './dto/list-audit.query.js';

const DEFAULT_PAGE = 50;

/** An action that is not a write of an audited row: sign-in, export, a lockdown command. */
export interface AuditAction {
  /** Dotted name: `auth.sign_in`, `report.export`, `lockdown.start`. */
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Free text for people reading the log (no secrets). */
  detail?: string | null;
  /** Who acted, when it is not the signed-in user of the request (a sign-in, before there is one). */
  actor?: AuditActor | null;
}

function parseState(text: string | null): Record<string, unknown> | null {
  return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
}

export function toAuditEntryView(row: AuditLogEntity): AuditEntryView {
  return {
    seq: row.seq,
    at: row.at,
    actorUserId: row.actorUserId,
    actorUsername: row.actorUsername,
    actorRole: row.actorRole,
    source: row.source,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: parseState(row.beforeState),
    after: parseState(row.afterState),
    requestId: row.requestId,
    ip: row.ip,
    detail: row.detail,
    hash: row.hash,
  };
}

/**
 * The audit log (docs/product-rules.md#audit-log). Entity writes made for a person are recorded by the
 * subscriber without any call from the services; {@link record} adds the other actions.
 * There is deliberately no way to change or remove an entry.
 */
@Injectable()
export class AuditService implements OnModuleInit {
  readonly chain: AuditChain;
  private subscriber: AuditSubscriber | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.chain = new AuditChain(dataSource);
  }

  onModuleInit(): void {
    this.subscriber = installAuditing(this.dataSource, this.chain, this.clock);
  }

  /**
   * Records an action with the request's actor, address and request id. Given a manager
   * inside a transaction, the entry commits (or rolls back) with it.
   */
  async record(input: AuditAction, manager?: EntityManager): Promise<void> {
    const context = currentAuditContext();
    const draft = {
      at: this.clock.now(),
      source: context?.source ?? 'system',
      actor: input.actor !== undefined ? input.actor : (context?.actor ?? null),
      action: input.action,
      entityType: input.entityType ?? null,
      entityId: input.entityId ?? null,
      before: input.before ?? null,
      after: input.after ?? null,
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
      detail: input.detail ?? null,
    } as const;
    if (this.subscriber) await this.subscriber.enqueue(manager?.queryRunner, draft);
    else await this.chain.append([draft], manager?.queryRunner);
  }

  /** Newest first, paged by sequence number. */
  async list(query: ListAuditQuery): Promise<Page<AuditEntryView>> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const qb = this.dataSource
      .getRepository(AuditLogEntity)
      .createQueryBuilder('a')
      .orderBy('a.seq', 'DESC')
      .limit(limit + 1);
    if (query.before !== undefined) qb.andWhere('a.seq < :before', { before: Number(query.before) });
    if (query.entityType !== undefined) qb.andWhere('a.entityType = :entityType', { entityType: query.entityType });
    if (query.entityId !== undefined) qb.andWhere('a.entityId = :entityId', { entityId: query.entityId });
    if (query.actor !== undefined) qb.andWhere('a.actorUsername = :actor', { actor: query.actor.trim().toLowerCase() });
    if (query.source !== undefined) qb.andWhere('a.source = :source', { source: query.source });
    if (query.action !== undefined) {
      if (query.action.endsWith('.')) qb.andWhere('a.action LIKE :prefix', { prefix: `${query.action.replace(/[%_]/g, '')}%` });
      else qb.andWhere('a.action = :action', { action: query.action });
    }
    if (query.from !== undefined && query.to !== undefined && query.to <= query.from) throw invalid('to must be after from');
    if (query.from !== undefined || query.to !== undefined) {
      qb.andWhere(
        new Brackets((w) => {
          if (query.from !== undefined) w.andWhere('a.at >= :from', { from: query.from });
          if (query.to !== undefined) w.andWhere('a.at < :to', { to: query.to });
        }),
      );
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toAuditEntryView), next: rows.length > limit && last ? String(last.seq) : null };
  }

  // ---- asked by the evidence pack -----------------------------------------------------

  /** Entries in the period, of the actions when given. */
  countBetween(from: number, to: number, actions?: readonly string[]): Promise<number> {
    return this.dataSource
      .getRepository(AuditLogEntity)
      .count({ where: { ...(actions ? { action: In([...actions]) } : {}), at: Between(from, to) } });
  }

  /** Entries in the period whose action starts with the prefix (`reader.`). */
  countWithActionPrefixBetween(prefix: string, from: number, to: number): Promise<number> {
    return this.dataSource.getRepository(AuditLogEntity).count({ where: { action: Like(`${prefix}%`), at: Between(from, to) } });
  }

  verify(): Promise<AuditVerifyView> {
    return this.chain.verify();
  }
}
