import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import {
  DEFAULT_RETENTION,
  type LegalHoldView,
  RETENTION_RECORD_TYPES,
  type RetentionRecordType,
  type RetentionRunView,
  type RetentionSettingsView,
} from '@acs/shared/api/retention';
import { AlertRepository } from '../alerts/alert.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../auth/users.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { SerialWork } from '../common/serial-work.js';
import type { PurgeCount, RetentionHold } from '../database/aged-rows.js';
import { EquipmentRepository } from '../equipment/equipment.repository.js';
import { EventRepository } from '../events/event.repository.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { PersonRepository } from '../people/person.repository.js';
import { SiteService } from '../site/site.service.js';
import type { CreateLegalHoldDto, RetentionSettingsDto } from './retention.dto.js';
import { LegalHoldEntity } from './legal-hold.entity.js';

const DAY = 86_400_000;
const RUN_EVERY_MS = 3_600_000;

/**
 * Retention per record type with legal holds (docs/product-rules.md#retention). Runs every hour (and on demand):
 * deletes what is past its period unless a hold covers it, and records one audit entry per
 * run with what went and what a hold kept. The audit log itself is never deleted.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly runs = new SerialWork(this.logger, 'retention run');

  constructor(
    @InjectRepository(LegalHoldEntity) private readonly holds: Repository<LegalHoldEntity>,
    private readonly site: SiteService,
    private readonly users: UsersService,
    private readonly people: PersonRepository,
    private readonly events: EventRepository,
    private readonly alerts: AlertRepository,
    private readonly incidents: IncidentRepository,
    private readonly equipment: EquipmentRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.runs, 'retention', RUN_EVERY_MS, () => this.run(this.clock.now(), null));
  }

  onModuleDestroy(): Promise<void> {
    return this.runs.stop();
  }

  async settings(): Promise<RetentionSettingsView> {
    return { ...DEFAULT_RETENTION, ...((await this.site.storedRetention()) ?? {}) };
  }

  async updateSettings(dto: RetentionSettingsDto): Promise<RetentionSettingsView> {
    const next = { ...(await this.settings()) };
    for (const type of RETENTION_RECORD_TYPES) if (dto[type] !== undefined) next[type] = dto[type]!;
    await this.site.setRetention(next);
    await this.audit.record({ action: 'retention.settings', entityType: 'site', entityId: null, detail: JSON.stringify(next) });
    return next;
  }

  async listHolds(): Promise<LegalHoldView[]> {
    const rows = await this.holds.find({ order: { createdAt: 'DESC' } });
    const refs = await this.users.refs(rows.flatMap((r) => [r.createdByUserId, r.releasedByUserId]));
    const personIds = rows.map((r) => r.personId).filter((id): id is string => id !== null);
    const names = new Map((personIds.length ? await this.people.namesOfFew(personIds) : []).map((p) => [p.id, p.name]));
    return rows.map((r) => ({
      id: r.id,
      reason: r.reason,
      personId: r.personId,
      personName: r.personId ? (names.get(r.personId) ?? null) : null,
      periodFrom: r.periodFrom,
      periodTo: r.periodTo,
      createdBy: r.createdByUserId ? (refs.get(r.createdByUserId)?.name ?? null) : null,
      createdAt: r.createdAt,
      releasedAt: r.releasedAt,
      releasedBy: r.releasedByUserId ? (refs.get(r.releasedByUserId)?.name ?? null) : null,
    }));
  }

  async placeHold(dto: CreateLegalHoldDto, actor: Actor): Promise<LegalHoldView> {
    if (dto.periodTo <= dto.periodFrom) throw invalid('periodTo must be after periodFrom');
    if (!dto.reason.trim()) throw invalid('reason must not be blank');
    if (dto.personId && !(await this.people.exists(dto.personId))) throw invalid(`personId: person ${dto.personId} does not exist`);
    const row: LegalHoldEntity = {
      id: newId(),
      reason: dto.reason.trim(),
      personId: dto.personId ?? null,
      periodFrom: dto.periodFrom,
      periodTo: dto.periodTo,
      createdByUserId: actor.id,
      createdAt: this.clock.now(),
      releasedAt: null,
      releasedByUserId: null,
    };
    await this.holds.insert(row);
    return (await this.listHolds()).find((h) => h.id === row.id)!;
  }

  async releaseHold(id: string, actor: Actor): Promise<LegalHoldView> {
    const hold = await this.holds.findOneBy({ id });
    if (!hold) throw notFound(`legal hold ${id}`);
    if (hold.releasedAt !== null) throw conflict('the hold is already released');
    await this.holds.update({ id }, { releasedAt: this.clock.now(), releasedByUserId: actor.id });
    return (await this.listHolds()).find((h) => h.id === id)!;
  }

  /** One pass: what is past its period and not held goes; one audit entry says what and how much. */
  async run(now: number, actor: Actor | null): Promise<RetentionRunView> {
    const settings = await this.settings();
    const holds = await this.holds.find({ where: { releasedAt: IsNull() } });
    const deleted = {} as Record<RetentionRecordType, number>;
    const held = {} as Record<RetentionRecordType, number>;
    // Each record type's owner deletes its own aged rows (and what hangs off them) in one transaction.
    const purges: Record<RetentionRecordType, (cutoff: number, holds: readonly RetentionHold[]) => Promise<PurgeCount>> = {
      events: (cutoff, h) => this.events.purgeAged(cutoff, h),
      alerts: (cutoff, h) => this.alerts.purgeAged(cutoff, h),
      incidents: (cutoff, h) => this.incidents.purgeAged(cutoff, h),
      movements: (cutoff, h) => this.equipment.purgeAgedMovements(cutoff, h),
    };
    for (const type of RETENTION_RECORD_TYPES) {
      deleted[type] = 0;
      held[type] = 0;
      const days = settings[type];
      if (days === null) continue;
      const count = await purges[type](now - days * DAY, holds);
      deleted[type] = count.deleted;
      held[type] = count.held;
    }
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (total > 0 || actor) {
      await this.audit.record({
        action: 'retention.delete',
        entityType: 'retention',
        entityId: null,
        detail: `deleted ${RETENTION_RECORD_TYPES.map((t) => `${t} ${deleted[t]}`).join(', ')}; kept by legal hold ${RETENTION_RECORD_TYPES.map((t) => `${t} ${held[t]}`).join(', ')}`,
      });
    }
    return { at: now, deleted, held };
  }
}
