import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type Repository } from 'typeorm';
import { DEFAULT_RETENTION, type LegalHoldView, RETENTION_RECORD_TYPES, type RetentionRecordType, type RetentionRunView, type RetentionSettingsView } from '@acs/shared/api/retention';
import { AlertEntity } from '../alerts/alert.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { UserEntity } from '../auth/user.entity.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { SerialWork } from '../common/serial-work.js';
import { loadUserRefs } from '../common/user-refs.js';
import { placeholder, quotedTable } from '../database/raw-sql.js';
import { MovementEntity } from '../equipment/equipment.entity.js';
import { EventEntity } from '../events/event.entity.js';
import { IncidentEntity, IncidentEntryEntity } from '../incidents/incident.entity.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { PersonEntity } from '../people/person.entity.js';
import { SITE_ROW_ID, SiteSettingsEntity } from '../site/site-settings.entity.js';
import type { CreateLegalHoldDto, RetentionSettingsDto } from './retention.dto.js';
import { LegalHoldEntity } from './legal-hold.entity.js';

const DAY = 86_400_000;
const RUN_EVERY_MS = 3_600_000;

/** Per record type: its table, the time column that ages it, the person column a hold can name, and what may never go. */
const TARGETS: Record<RetentionRecordType, { entity: new () => object; time: string; person: string | null; extra: string }> = {
  events: { entity: EventEntity, time: 'occurred_at', person: 'person_id', extra: '' },
  // An unacknowledged alert is never deleted.
  alerts: { entity: AlertEntity, time: 'last_at', person: 'person_id', extra: ` AND status <> 'open'` },
  // Only closed incidents age; their timeline goes with them.
  incidents: { entity: IncidentEntity, time: 'closed_at', person: null, extra: ` AND status = 'closed'` },
  movements: { entity: MovementEntity, time: 'at', person: 'person_id', extra: '' },
};

/**
 * Retention per record type with legal holds (issue 6). Runs every hour (and on demand):
 * deletes what is past its period unless a hold covers it, and records one audit entry per
 * run with what went and what a hold kept. The audit log itself is never deleted.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly runs = new SerialWork(this.logger, 'retention run');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(LegalHoldEntity) private readonly holds: Repository<LegalHoldEntity>,
    @InjectRepository(SiteSettingsEntity) private readonly site: Repository<SiteSettingsEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
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
    const row = await this.site.findOne({ select: { id: true, retention: true }, where: { id: SITE_ROW_ID } });
    return { ...DEFAULT_RETENTION, ...(row?.retention ?? {}) };
  }

  async updateSettings(dto: RetentionSettingsDto): Promise<RetentionSettingsView> {
    const next = { ...(await this.settings()) };
    for (const type of RETENTION_RECORD_TYPES) if (dto[type] !== undefined) next[type] = dto[type]!;
    await this.site.update({ id: SITE_ROW_ID }, { retention: next, updatedAt: this.clock.now() });
    await this.audit.record({ action: 'retention.settings', entityType: 'site', entityId: null, detail: JSON.stringify(next) });
    return next;
  }

  async listHolds(): Promise<LegalHoldView[]> {
    const rows = await this.holds.find({ order: { createdAt: 'DESC' } });
    const refs = await loadUserRefs(this.users, rows.flatMap((r) => [r.createdByUserId, r.releasedByUserId]));
    const personIds = rows.map((r) => r.personId).filter((id): id is string => id !== null);
    const names = new Map((personIds.length ? await this.people.find({ select: { id: true, name: true }, where: { id: In(personIds) } }) : []).map((p) => [p.id, p.name]));
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
    if (dto.personId && !(await this.people.existsBy({ id: dto.personId }))) throw invalid(`personId: person ${dto.personId} does not exist`);
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
    const ds = this.dataSource;
    for (const type of RETENTION_RECORD_TYPES) {
      deleted[type] = 0;
      held[type] = 0;
      const days = settings[type];
      if (days === null) continue;
      const target = TARGETS[type];
      const table = quotedTable(ds, target.entity);
      const params: unknown[] = [now - days * DAY];
      const p = () => placeholder(ds, params.length);
      const aged = `${target.time} IS NOT NULL AND ${target.time} < ${p()}${target.extra}`;
      const exclusions = holds
        .filter((h) => h.personId === null || target.person !== null)
        .map((h) => {
          params.push(h.periodFrom);
          const fromP = p();
          params.push(h.periodTo);
          const toP = p();
          if (h.personId === null) return `(${target.time} BETWEEN ${fromP} AND ${toP})`;
          params.push(h.personId);
          return `(${target.time} BETWEEN ${fromP} AND ${toP} AND ${target.person} = ${p()})`;
        });
      const keep = exclusions.length ? ` AND NOT (${exclusions.join(' OR ')})` : '';
      const [{ n: agedCount }] = (await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${aged}`, params.slice(0, 1))) as [{ n: number | string }];
      await ds.transaction(async (m) => {
        if (type === 'incidents') {
          await m.query(`DELETE FROM ${quotedTable(ds, IncidentEntryEntity)} WHERE incident_id IN (SELECT id FROM ${table} WHERE ${aged}${keep})`, params);
        }
        await m.query(`DELETE FROM ${table} WHERE ${aged}${keep}`, params);
      });
      const [{ n: left }] = (await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${aged}`, params.slice(0, 1))) as [{ n: number | string }];
      deleted[type] = Number(agedCount) - Number(left);
      held[type] = Number(left);
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
