import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Between, DataSource, type EntityManager, In, type Repository } from 'typeorm';
import {
  ATTACHMENT_MAX_BYTES,
  type IncidentDetailView,
  type IncidentEntryKind,
  type IncidentStatsView,
  type IncidentView,
  type ViolationView,
} from '@acs/shared/api/incidents';
import { AlertRepository } from '../alerts/alert.repository.js';
import { AlertsService } from '../alerts/alerts.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid, notFound } from '../common/api-exception.js';
import { checkPeriodOrder } from '../common/period.query.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import type { ReceivedFile, UploadRule } from '../common/file-upload.js';
import { newId } from '../common/ids.js';
import { SiteService } from '../site/site.service.js';
import { placeholder, quotedTable } from '../database/raw-sql.js';
import type { AlertToIncidentDto, CloseIncidentDto, CreateIncidentDto, CreateViolationDto, UpdateIncidentDto } from './dto/incident.dto.js';
import { IncidentEntity, IncidentEntryEntity, ViolationEntity } from './incident.entity.js';
import { PersonRepository } from '../people/person.repository.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { DoorRepository } from '../doors/door.repository.js';
import { UsersService } from '../auth/users.service.js';

/** Photos of a broken seal, a scanned statement, a written account. */
export const ATTACHMENT_UPLOAD: UploadRule = {
  field: 'attachment',
  maxBytes: ATTACHMENT_MAX_BYTES,
  kinds: ['pdf', 'png', 'jpeg', 'webp', 'text'],
  required: false,
};

interface Attachment {
  name: string;
  type: string;
  dataBase64: string;
}

/** The name is only shown and offered for download; a path or control character in it is dropped. */
function plainFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    // eslint-disable-next-line no-control-regex -- a file name loses its control characters
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return clean || 'attachment';
}
const STAFF_ROLES = ['admin', 'guard', 'auditor'];

/**
 * Incidents (docs/product-rules.md#incidents): from an alert or a report typed by anyone; the manual's level,
 * an owner, a timeline of notes, status changes and attachments, an outcome, corrective
 * actions and feedback to the reporter. Level 3 is closed only by a manager (an admin).
 * Violations are recorded against people with the manual's four levels.
 */
@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(IncidentEntity) private readonly incidents: Repository<IncidentEntity>,
    @InjectRepository(IncidentEntryEntity) private readonly entries: Repository<IncidentEntryEntity>,
    @InjectRepository(ViolationEntity) private readonly violations: Repository<ViolationEntity>,
    private readonly users: UsersService,
    private readonly people: PersonRepository,
    private readonly zones: ZoneRepository,
    private readonly doors: DoorRepository,
    private readonly alertRows: AlertRepository,
    private readonly alerts: AlertsService,
    private readonly site: SiteService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async report(dto: CreateIncidentDto, actor: Actor): Promise<IncidentDetailView> {
    if (!dto.title.trim() || !dto.description.trim()) throw invalid('title and description must not be blank');
    if (dto.zoneId && !(await this.zones.exists(dto.zoneId))) throw invalid(`zoneId: zone ${dto.zoneId} does not exist`);
    const staff = STAFF_ROLES.includes(actor.role);
    const incident = await this.open(
      {
        level: staff ? (dto.level ?? 1) : 1,
        title: dto.title.trim(),
        description: dto.description.trim(),
        cause: dto.cause ?? null,
        zoneId: dto.zoneId ?? null,
        sourceAlertId: null,
      },
      actor,
    );
    return this.detail(incident.id, actor);
  }

  /** A guard escalates an alert to an incident; the alert is linked (and acknowledged with that). */
  async fromAlert(alertId: string, dto: AlertToIncidentDto, actor: Actor): Promise<IncidentDetailView> {
    const alert = await this.alerts.get(alertId);
    if (alert.incidentId) throw conflict(`alert ${alertId} is already incident ${alert.incidentId}`);
    const door = alert.doorId ? await this.doors.destination(alert.doorId) : null;
    const incident = await this.open(
      {
        level: dto.level,
        title: dto.title?.trim() || `${alert.type}${alert.doorId ? ` · ${alert.doorId}` : ''}`,
        description: [alert.detail, dto.note?.trim()].filter(Boolean).join('\n') || alert.type,
        cause: CAUSE_OF_ALERT[alert.type] ?? null,
        zoneId: door?.toZoneId ?? null,
        sourceAlertId: alert.id,
      },
      actor,
    );
    await this.append(
      this.dataSource.manager,
      incident.id,
      'alert',
      `${alert.type}: ${alert.detail ?? ''} (${alert.count}×, first ${new Date(alert.firstAt).toISOString()})`,
      actor.id,
    );
    await this.alerts.linkIncident(alert.id, incident.id, incident.number, actor);
    return this.detail(incident.id, actor);
  }

  private async open(
    fields: Pick<IncidentEntity, 'level' | 'title' | 'description' | 'cause' | 'zoneId' | 'sourceAlertId'>,
    actor: Actor,
  ): Promise<IncidentEntity> {
    const now = this.clock.now();
    const incident: IncidentEntity = {
      id: newId(),
      number: '',
      ...fields,
      status: 'open',
      ownerUserId: STAFF_ROLES.includes(actor.role) && actor.role !== 'auditor' ? actor.id : null,
      reporterUserId: actor.id,
      outcome: null,
      correctiveActions: null,
      feedback: null,
      createdAt: now,
      respondedAt: null,
      closedAt: null,
      closedByUserId: null,
      updatedAt: now,
    };
    for (let attempt = 0; ; attempt += 1) {
      incident.number = `INC-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
      try {
        await this.dataSource.transaction(async (m) => {
          await m.getRepository(IncidentEntity).insert(incident);
          await this.append(m, incident.id, 'created', `L${incident.level}: ${incident.title}`, actor.id);
        });
        return incident;
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
  }

  async update(id: string, dto: UpdateIncidentDto, actor: Actor): Promise<IncidentDetailView> {
    const incident = await this.get(id);
    if (incident.status === 'closed') throw conflict(`incident ${incident.number} is closed`);
    const changes: Array<[IncidentEntryKind, string]> = [];
    if (dto.level !== undefined && dto.level !== incident.level) {
      changes.push(['level', `L${incident.level} → L${dto.level}`]);
      incident.level = dto.level;
    }
    if (dto.status !== undefined && dto.status !== incident.status) {
      changes.push(['status', `${incident.status} → ${dto.status}`]);
      incident.status = dto.status;
    }
    if (dto.ownerUserId !== undefined && dto.ownerUserId !== incident.ownerUserId) {
      const owner = await this.users.findById(dto.ownerUserId);
      if (!owner || (owner.role !== 'admin' && owner.role !== 'guard')) throw invalid('ownerUserId: the owner is an admin or a guard');
      changes.push(['owner', owner.displayName || owner.username]);
      incident.ownerUserId = owner.id;
    }
    if (dto.cause !== undefined) incident.cause = dto.cause;
    if (dto.zoneId !== undefined) {
      if (!(await this.zones.exists(dto.zoneId))) throw invalid(`zoneId: zone ${dto.zoneId} does not exist`);
      incident.zoneId = dto.zoneId;
    }
    incident.updatedAt = this.clock.now();
    if (changes.length && incident.respondedAt === null && actor.id !== incident.reporterUserId) incident.respondedAt = incident.updatedAt;
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(IncidentEntity).save(incident);
      for (const [kind, text] of changes) await this.append(m, incident.id, kind, text, actor.id);
    });
    return this.detail(id, actor);
  }

  /** `file` has passed the upload check (size, type by content) of ATTACHMENT_UPLOAD. */
  async addNote(id: string, text: string, file: ReceivedFile | undefined, actor: Actor): Promise<IncidentDetailView> {
    const incident = await this.visible(id, actor);
    if (incident.status === 'closed') throw conflict(`incident ${incident.number} is closed`);
    if (!text.trim()) throw invalid('text must not be blank');
    // Stored as base64 text as before, so existing attachments and both databases need no migration.
    const attachment: Attachment | undefined = file
      ? { name: plainFileName(file.originalname), type: file.mimetype, dataBase64: file.buffer.toString('base64') }
      : undefined;
    await this.dataSource.transaction(async (m) => {
      await this.append(m, id, attachment ? 'attachment' : 'note', text.trim(), actor.id, attachment);
      if (incident.respondedAt === null && actor.id !== incident.reporterUserId) {
        await m.getRepository(IncidentEntity).update({ id }, { respondedAt: this.clock.now(), updatedAt: this.clock.now() });
      }
    });
    return this.detail(id, actor);
  }

  /** docs/product-rules.md#incidents: a critical (level 3) incident is closed by a manager only. */
  async close(id: string, dto: CloseIncidentDto, actor: Actor): Promise<IncidentDetailView> {
    const incident = await this.get(id);
    if (incident.status === 'closed') throw conflict(`incident ${incident.number} is already closed`);
    if (incident.level === 3 && actor.role !== 'admin')
      throw forbidden('a level 3 (critical) incident is closed by a security manager (admin)');
    const now = this.clock.now();
    Object.assign(incident, {
      status: 'closed',
      outcome: dto.outcome.trim(),
      correctiveActions: dto.correctiveActions.trim(),
      feedback: dto.feedback.trim(),
      closedAt: now,
      closedByUserId: actor.id,
      respondedAt: incident.respondedAt ?? now,
      updatedAt: now,
    });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(IncidentEntity).save(incident);
      await this.append(m, id, 'closed', `${dto.outcome.trim()}\n${dto.correctiveActions.trim()}`, actor.id);
    });
    return this.detail(id, actor);
  }

  async attachment(id: string, entryId: string, actor: Actor): Promise<{ name: string; type: string; data: Buffer }> {
    await this.visible(id, actor);
    const entry = await this.entries.findOneBy({ id: entryId, incidentId: id });
    if (!entry?.attachmentData) throw notFound(`attachment ${entryId}`);
    return { name: entry.attachmentName!, type: entry.attachmentType!, data: Buffer.from(entry.attachmentData, 'base64') };
  }

  // ---- violations ---------------------------------------------------------------------

  async recordViolation(dto: CreateViolationDto, actor: Actor): Promise<ViolationView> {
    const person = await this.people.findById(dto.personId);
    if (!person) throw invalid(`personId: person ${dto.personId} does not exist`);
    if (dto.incidentId && !(await this.incidents.existsBy({ id: dto.incidentId })))
      throw invalid(`incidentId: incident ${dto.incidentId} does not exist`);
    if (dto.alertId && !(await this.alertRows.exists(dto.alertId))) throw invalid(`alertId: alert ${dto.alertId} does not exist`);
    const row: ViolationEntity = {
      id: newId(),
      personId: person.id,
      level: dto.level,
      description: dto.description.trim(),
      incidentId: dto.incidentId ?? null,
      alertId: dto.alertId ?? null,
      recordedByUserId: actor.id,
      at: this.clock.now(),
    };
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ViolationEntity).insert(row);
      if (row.incidentId) await this.append(m, row.incidentId, 'violation', `L${row.level} ${person.name}: ${row.description}`, actor.id);
    });
    return (await this.violationViews([row]))[0]!;
  }

  async listViolations(personId: string | undefined): Promise<ViolationView[]> {
    return this.violationViews(await this.violations.find({ where: personId ? { personId } : {}, order: { at: 'DESC' }, take: 1000 }));
  }

  private async violationViews(rows: readonly ViolationEntity[]): Promise<ViolationView[]> {
    const people = new Map((rows.length ? await this.people.namesOfFew(rows.map((r) => r.personId)) : []).map((p) => [p.id, p.name]));
    const incidentIds = [...new Set(rows.map((r) => r.incidentId).filter((id): id is string => id !== null))];
    const numbers = new Map(
      (incidentIds.length ? await this.incidents.find({ select: { id: true, number: true }, where: { id: In(incidentIds) } }) : []).map(
        (i) => [i.id, i.number],
      ),
    );
    const refs = await this.users.refs(rows.map((r) => r.recordedByUserId));
    return rows.map((r) => ({
      id: r.id,
      personId: r.personId,
      personName: people.get(r.personId) ?? r.personId,
      level: r.level,
      description: r.description,
      incidentId: r.incidentId,
      incidentNumber: r.incidentId ? (numbers.get(r.incidentId) ?? null) : null,
      alertId: r.alertId,
      recordedBy: r.recordedByUserId ? (refs.get(r.recordedByUserId)?.name ?? null) : null,
      at: r.at,
    }));
  }

  // ---- reading ------------------------------------------------------------------------

  async list(actor: Actor): Promise<IncidentView[]> {
    const where = STAFF_ROLES.includes(actor.role) ? {} : { reporterUserId: actor.id };
    return this.views(await this.incidents.find({ where, order: { createdAt: 'DESC' }, take: 1000 }));
  }

  async detail(id: string, actor: Actor): Promise<IncidentDetailView> {
    const incident = await this.visible(id, actor);
    const entries = await this.entries.find({
      select: { id: true, at: true, kind: true, text: true, actorUserId: true, attachmentName: true, attachmentType: true },
      where: { incidentId: id },
      order: { at: 'ASC' },
    });
    const sizes: Array<{ id: string; size: number | string }> = entries.some((e) => e.attachmentName)
      ? await this.dataSource.query(
          `SELECT id, LENGTH(attachment_data) AS size FROM ${quotedTable(this.dataSource, IncidentEntryEntity)} WHERE incident_id = ${placeholder(this.dataSource, 1)} AND attachment_data IS NOT NULL`,
          [id],
        )
      : [];
    const sizeOf = new Map(sizes.map((s) => [s.id, Math.floor((Number(s.size) * 3) / 4)]));
    const refs = await this.users.refs(entries.map((e) => e.actorUserId));
    const [view] = await this.views([incident]);
    const violations = STAFF_ROLES.includes(actor.role)
      ? await this.violationViews(await this.violations.find({ where: { incidentId: id }, order: { at: 'ASC' } }))
      : [];
    return {
      ...view!,
      entries: entries.map((e) => ({
        id: e.id,
        at: e.at,
        kind: e.kind,
        text: e.text,
        actor: e.actorUserId ? (refs.get(e.actorUserId)?.name ?? null) : null,
        attachment: e.attachmentName
          ? { name: e.attachmentName, type: e.attachmentType ?? 'application/octet-stream', size: sizeOf.get(e.id) ?? 0 }
          : null,
      })),
      violations,
    };
  }

  /** Incidents by level, cause, zone and month; mean time to acknowledge alerts and to close incidents. */
  async stats(from: number, to: number): Promise<IncidentStatsView> {
    checkPeriodOrder({ from, to });
    const site = await this.site.get();
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: site.timeZone, year: 'numeric', month: '2-digit' });
    const rows = await this.incidents.find({ where: { createdAt: Between(from, to) } });
    const count = (key: (i: IncidentEntity) => string) => {
      const out: Record<string, number> = {};
      for (const i of rows) out[key(i)] = (out[key(i)] ?? 0) + 1;
      return out;
    };
    const acknowledged = await this.alertRows.acknowledgementTimes(from, to);
    const acks = acknowledged.filter((a) => a.acknowledgedAt !== null).map((a) => a.acknowledgedAt! - a.firstAt);
    const closed = rows.filter((i) => i.closedAt !== null).map((i) => i.closedAt! - i.createdAt);
    const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
    return {
      from,
      to,
      total: rows.length,
      byLevel: count((i) => String(i.level)),
      byCause: count((i) => i.cause ?? 'unknown'),
      byZone: count((i) => i.zoneId ?? 'unknown'),
      byMonth: count((i) => month.format(new Date(i.createdAt)).slice(0, 7)),
      meanTimeToAcknowledgeMs: mean(acks),
      acknowledged: acks.length,
      meanTimeToCloseMs: mean(closed),
      closed: closed.length,
    };
  }

  private async get(id: string): Promise<IncidentEntity> {
    const incident = await this.incidents.findOneBy({ id });
    if (!incident) throw notFound(`incident ${id}`);
    return incident;
  }

  /** Staff see every incident; others only those they reported (and the feedback they get). */
  private async visible(id: string, actor: Actor): Promise<IncidentEntity> {
    const incident = await this.get(id);
    if (!STAFF_ROLES.includes(actor.role) && incident.reporterUserId !== actor.id) throw notFound(`incident ${id}`);
    return incident;
  }

  private async append(
    m: EntityManager,
    incidentId: string,
    kind: IncidentEntryKind,
    text: string | null,
    actorUserId: string | null,
    attachment?: Attachment,
  ): Promise<void> {
    await m.getRepository(IncidentEntryEntity).insert({
      id: newId(),
      incidentId,
      at: this.clock.now(),
      kind,
      text: text?.slice(0, 4000) ?? null,
      actorUserId,
      attachmentName: attachment?.name ?? null,
      attachmentType: attachment?.type ?? null,
      attachmentData: attachment?.dataBase64 ?? null,
    });
  }

  private async views(rows: readonly IncidentEntity[]): Promise<IncidentView[]> {
    const refs = await this.users.refs(rows.flatMap((r) => [r.ownerUserId, r.reporterUserId, r.closedByUserId]));
    const ref = (id: string | null) => (id ? { id, name: refs.get(id)?.name ?? id } : null);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      level: r.level,
      title: r.title,
      description: r.description,
      status: r.status,
      cause: r.cause,
      zoneId: r.zoneId,
      owner: ref(r.ownerUserId),
      reporter: ref(r.reporterUserId),
      sourceAlertId: r.sourceAlertId,
      outcome: r.outcome,
      correctiveActions: r.correctiveActions,
      feedback: r.feedback,
      createdAt: r.createdAt,
      respondedAt: r.respondedAt,
      closedAt: r.closedAt,
      closedBy: r.closedByUserId ? (refs.get(r.closedByUserId)?.name ?? null) : null,
    }));
  }

  // ---- asked by other domains (reports) -----------------------------------------------

  /** Incidents opened in the period, oldest first. */
  openedBetween(from: number, to: number): Promise<IncidentEntity[]> {
    return this.incidents.find({ where: { createdAt: Between(from, to) }, order: { createdAt: 'ASC' } });
  }
}

const CAUSE_OF_ALERT: Partial<Record<string, IncidentEntity['cause']>> = {
  door_forced: 'forced_entry',
  door_held_open: 'tailgating',
  anti_passback: 'tailgating',
  escort_violation: 'visitor',
  card_lost_used: 'lost_card',
  card_revoked_used: 'card_misuse',
  repeated_denials: 'card_misuse',
  tamper: 'system_fault',
  reader_fault: 'system_fault',
  agent_offline: 'system_fault',
  seal_broken: 'seal',
  equipment_overdue: 'equipment',
  equipment_stopped: 'equipment',
  media_unregistered: 'equipment',
  visit_overstay: 'visitor',
  watchlist_match: 'visitor',
};
