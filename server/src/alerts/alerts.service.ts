import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { ALERT_SEVERITY, type AlertSeverity, type AlertType, type AlertView } from '@acs/shared/api/alerts';
import { type AlertRulesView, DEFAULT_ALERT_RULES } from '@acs/shared/api/incidents';
import type { EventView } from '@acs/shared/api/events';
import { UserEntity } from '../auth/user.entity.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { CURRENT_PROTOCOL, MIN_AGENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import { DomainSignalBus } from '../common/domain-signals.js';
import { loadUserRefs } from '../common/user-refs.js';
import { SerialWork } from '../common/serial-work.js';
import { DoorEntity } from '../doors/door.entity.js';
import { EventEntity } from '../events/event.entity.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { AlertEntity } from './alert.entity.js';
import { AgentEntity } from '../agents/agent.entity.js';
import { SITE_ROW_ID, SiteSettingsEntity } from '../site/site-settings.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';

/** How often escalation and sync lag are checked. */
const SWEEP_MS = 5_000;

/** The site's rules with the defaults filled in (level overrides merge per level). */
export function effectiveAlertRules(stored: Partial<AlertRulesView> | null | undefined): AlertRulesView {
  const rules = { ...DEFAULT_ALERT_RULES, ...(stored ?? {}) };
  const levels: AlertRulesView['levels'] = {};
  for (const level of ['0', '1', '2', '3'] as const) {
    const merged = { ...(DEFAULT_ALERT_RULES.levels[level] ?? {}), ...(stored?.levels?.[level] ?? {}) };
    if (Object.keys(merged).length) levels[level] = merged;
  }
  return { ...rules, repeatedDenials: { ...DEFAULT_ALERT_RULES.repeatedDenials, ...(stored?.repeatedDenials ?? {}) }, levels };
}

interface Occurrence {
  type: AlertType;
  key: string;
  at: number;
  /** Momentary conditions (a lost card presented) end at once; lasting ones end with a clearing event. */
  lasting: boolean;
  doorId?: string | null;
  agentId?: string | null;
  personId?: string | null;
  holder?: string | null;
  credential?: string | null;
  detail?: string | null;
}

const ACCESS_ALERTS: Partial<Record<string, AlertType>> = {
  card_lost: 'card_lost_used',
  card_revoked: 'card_revoked_used',
  card_expired: 'card_expired_used',
  anti_passback: 'anti_passback',
  granted_passback_soft: 'anti_passback',
  escort_required: 'escort_violation',
};

/**
 * Alerts raised from agent events, agent presence and the other domains' signals
 * (requirements §6). Occurrences of one condition fold into one alert while it persists or
 * stays unacknowledged; each change is pushed live to the staff. Handled one at a time, in
 * arrival order, so folding never races.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  /** Signals, agent events and the sweep, one at a time: dedup reads what the last one wrote. */
  private readonly work = new SerialWork(this.logger, 'alert handling');
  /**
   * Door → level of the zone it leads into, refreshed every 30 s (alert rules per level). A
   * per-instance cache of configuration: another instance's copy is at most as stale.
   */
  private doorLevels: { at: number; levels: Map<string, number> } | null = null;

  constructor(
    @InjectRepository(AlertEntity) private readonly repo: Repository<AlertEntity>,
    @InjectRepository(DoorEntity) private readonly doors: Repository<DoorEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(ZoneEntity) private readonly zones: Repository<ZoneEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(SiteSettingsEntity) private readonly site: Repository<SiteSettingsEntity>,
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    private readonly signals: DomainSignalBus,
    private readonly realtime: RealtimeGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.work, 'alerts-sweep', SWEEP_MS, () => this.sweep(this.clock.now()));
    this.signals.on('agent.clock', (s) =>
      this.enqueue(async () => {
        const rules = await this.rules();
        const key = `clock_drift:${s.agentId}`;
        if (Math.abs(s.driftMs) > rules.clockDriftSeconds * 1000) {
          await this.raise({ type: 'clock_drift', key, at: s.at, lasting: true, agentId: s.agentId, detail: `agent clock ${s.driftMs > 0 ? 'ahead' : 'behind'} by ${(Math.abs(s.driftMs) / 1000).toFixed(1)} s` });
        } else {
          await this.clear(key, s.at);
        }
      }),
    );
    this.signals.on('agent.refused', (s) =>
      this.enqueue(() =>
        this.raise({
          type: 'agent_refused',
          key: `agent_refused:${s.agentId ?? 'unknown'}`,
          at: s.at,
          lasting: false,
          detail: `${s.agentId ?? 'an unknown identity'} (client ${s.clientId}): ${s.reason}`,
        }),
      ),
    );
    this.signals.on('agent.outdated', (s) =>
      this.enqueue(() =>
        this.raise({
          type: 'agent_outdated',
          key: `agent_outdated:${s.agentId}`,
          at: s.at,
          lasting: false,
          agentId: s.agentId,
          detail: `agent software ${s.softwareVersion ?? 'of unknown version'} speaks protocol ${s.protocol}; this server serves ${MIN_AGENT_PROTOCOL} to ${CURRENT_PROTOCOL}: upgrade the agent (its doors keep deciding from the set they hold, but get no new permissions and their events are not stored)`,
        }),
      ),
    );
    this.signals.on('agent.events_missing', (s) =>
      this.enqueue(() => {
        if (s.givenUp) {
          return this.raise({ type: 'events_missing', key: `events_lost:${s.agentId}`, at: s.at, lasting: false, agentId: s.agentId, detail: `events ${s.missing} will never arrive` });
        }
        const key = `events_missing:${s.agentId}`;
        return s.open ? this.raise({ type: 'events_missing', key, at: s.at, lasting: true, agentId: s.agentId, detail: `events ${s.missing} missing` }) : this.clear(key, s.at);
      }),
    );
    this.signals.on('agent.event', (event) => this.enqueue(() => this.onAgentEvent(event)));
    this.signals.on('agent.presence', ({ agentId, online, at }) =>
      this.enqueue(() =>
        online
          ? this.clear(`agent_offline:${agentId}`, at)
          : this.raise({ type: 'agent_offline', key: `agent_offline:${agentId}`, at, lasting: true, agentId, detail: 'no contact (last will)' }),
      ),
    );
    this.signals.on('visit.overstay', (s) =>
      this.enqueue(() => this.raise({ type: 'visit_overstay', key: `visit_overstay:${s.visitId}`, at: s.at, lasting: false, personId: s.hostPersonId, holder: s.visitorName, detail: `visit ${s.visitId}` })),
    );
    this.signals.on('equipment.overdue', (s) =>
      this.enqueue(() => this.raise({ type: 'equipment_overdue', key: `equipment_overdue:${s.passId}`, at: s.at, lasting: false, personId: s.holderPersonId, detail: `${s.assetTag} (pass ${s.passId})` })),
    );
    this.signals.on('seal.broken', (s) =>
      this.enqueue(() => this.raise({ type: 'seal_broken', key: `seal_broken:${s.sealId}`, at: s.at, lasting: false, detail: `seal ${s.sealNumber}${s.note ? `: ${s.note}` : ''}` })),
    );
    // Reception and the checkpoint (issue 5).
    this.signals.on('visit.watchlist_match', (s) => {
      if (s.decision !== 'pending') return;
      this.enqueue(() => this.raise({ type: 'watchlist_match', key: `watchlist_match:${s.visitId}`, at: s.at, lasting: false, holder: s.visitorName, detail: `visit ${s.visitId}: ${Math.round(s.score * 100)}% match, a supervisor decides` }));
    });
    this.signals.on('visit.items_mismatch', (s) =>
      this.enqueue(() =>
        this.raise({
          type: 'visitor_items_mismatch',
          key: `visitor_items_mismatch:${s.visitId}`,
          at: s.at,
          lasting: false,
          holder: s.visitorName,
          detail: `missing: ${s.missing.join(', ') || '-'}; extra: ${s.extra.join(', ') || '-'}`,
        }),
      ),
    );
    this.signals.on('visit.forced_signout', (s) =>
      this.enqueue(() => this.raise({ type: 'visit_forced_signout', key: `visit_forced_signout:${s.visitId}`, at: s.at, lasting: false, holder: s.visitorName, detail: s.reason })),
    );
    this.signals.on('equipment.stopped', (s) =>
      this.enqueue(() => this.raise({ type: 'equipment_stopped', key: `equipment_stopped:${s.assetTag}`, at: s.at, lasting: false, detail: `${s.assetTag}: ${s.reason}` })),
    );
    this.signals.on('media.unregistered', (s) =>
      this.enqueue(() =>
        this.raise({ type: 'media_unregistered', key: `media_unregistered:${s.zoneId}:${s.personId ?? s.visitId ?? 'unknown'}`, at: s.at, lasting: false, personId: s.personId, detail: `L${s.zoneLevel} ${s.zoneId}: ${s.description}` }),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.work.stop();
  }

  /** Resolves once every signal received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.work.idle();
  }

  async rules(): Promise<AlertRulesView> {
    const site = await this.site.findOne({ select: { id: true, alertRules: true }, where: { id: SITE_ROW_ID } });
    return effectiveAlertRules(site?.alertRules);
  }

  async updateRules(patch: Partial<AlertRulesView>): Promise<AlertRulesView> {
    const current = await this.rules();
    const next: AlertRulesView = {
      ...current,
      ...patch,
      repeatedDenials: { ...current.repeatedDenials, ...(patch.repeatedDenials ?? {}) },
      levels: { ...current.levels, ...(patch.levels ?? {}) },
    };
    // Only this column: the permission version on the same row is raised concurrently.
    await this.site.update({ id: SITE_ROW_ID }, { alertRules: next, updatedAt: this.clock.now() });
    await this.audit.record({ action: 'alert.rules', entityType: 'site', entityId: null, detail: JSON.stringify(patch).slice(0, 500) });
    return next;
  }

  /**
   * Time rules: unacknowledged alerts of the escalating severities escalate once (marked,
   * audited, pushed again: the banner shows them as escalated to every admin); online agents
   * behind the current permission version for longer than the threshold raise `sync_lagging`.
   */
  async sweep(now: number): Promise<void> {
    const rules = await this.rules();
    const due = await this.repo.find({
      where: { status: 'open', escalatedAt: IsNull(), severity: In(rules.escalateSeverities), firstAt: LessThan(now - rules.escalateAfterSeconds * 1000) },
      take: 100,
    });
    for (const alert of due) {
      alert.escalatedAt = now;
      await this.repo.update({ id: alert.id }, { escalatedAt: now });
      await this.audit.record({ action: 'alert.escalate', entityType: 'alert', entityId: alert.id, detail: `${alert.type} unacknowledged for ${rules.escalateAfterSeconds} s` });
      const [view] = await this.views([alert]);
      this.realtime.emitAlert(view!);
    }
    const site = await this.site.findOne({ select: { id: true, permissionVersion: true }, where: { id: SITE_ROW_ID } });
    const version = site?.permissionVersion ?? 0;
    // "Behind since" lives on the agent row, not in memory: the next sweep may run on another instance.
    const tracked = await this.agents.find({ select: { id: true, appliedVersion: true, online: true, behindSince: true }, where: [{ online: true }, { behindSince: Not(IsNull()) }] });
    for (const agent of tracked) {
      if (agent.online && (agent.appliedVersion ?? 0) < version) {
        const since = agent.behindSince ?? now;
        if (agent.behindSince === null) await this.agents.update({ id: agent.id }, { behindSince: now });
        if (now - since >= rules.syncLagSeconds * 1000) {
          await this.raise({ type: 'sync_lagging', key: `sync_lagging:${agent.id}`, at: now, lasting: true, agentId: agent.id, detail: `applied ${agent.appliedVersion ?? 'none'}, current ${version}, behind for ${Math.round((now - since) / 1000)} s` });
        }
      } else if (agent.behindSince !== null) {
        await this.agents.update({ id: agent.id }, { behindSince: null });
        await this.clear(`sync_lagging:${agent.id}`, now);
      }
    }
  }

  /** The alert became an incident: linked, and acknowledged with that as its note when still open. */
  async linkIncident(alertId: string, incidentId: string, incidentNumber: string, actor: Actor): Promise<AlertView> {
    const alert = await this.repo.findOneBy({ id: alertId });
    if (!alert) throw notFound(`alert ${alertId}`);
    if (alert.incidentId) throw conflict(`alert ${alertId} is already incident ${alert.incidentId}`);
    alert.incidentId = incidentId;
    if (alert.status === 'open') {
      alert.status = alert.active ? 'acknowledged' : 'cleared';
      alert.acknowledgedAt = this.clock.now();
      alert.acknowledgedByUserId = actor.id;
      alert.note = `escalated to incident ${incidentNumber}`;
    }
    await this.repo.save(alert);
    const [view] = await this.views([alert]);
    this.realtime.emitAlert(view!);
    return view!;
  }

  async get(id: string): Promise<AlertEntity> {
    const alert = await this.repo.findOneBy({ id });
    if (!alert) throw notFound(`alert ${id}`);
    return alert;
  }

  private async levelOfDoor(doorId: string): Promise<number | null> {
    const now = this.clock.now();
    if (!this.doorLevels || now - this.doorLevels.at > 30_000) {
      const zones = new Map((await this.zones.find({ select: { id: true, level: true } })).map((z) => [z.id, z.level]));
      const doors = await this.doors.find({ select: { id: true, toZoneId: true } });
      this.doorLevels = { at: now, levels: new Map(doors.map((d) => [d.id, zones.get(d.toZoneId) ?? 0])) };
    }
    return this.doorLevels.levels.get(doorId) ?? null;
  }

  /** The severity the site's rules give this alert at this door, or `off`. */
  private async severityOf(o: Occurrence, rules: AlertRulesView): Promise<AlertSeverity | 'off'> {
    const level = o.doorId ? await this.levelOfDoor(o.doorId) : null;
    const override = level === null ? undefined : rules.levels[String(level) as '0' | '1' | '2' | '3']?.[o.type];
    return override ?? ALERT_SEVERITY[o.type];
  }

  async list(scope: 'active' | 'recent'): Promise<AlertView[]> {
    const rows =
      scope === 'active'
        ? await this.repo.find({ where: [{ status: 'open' }, { active: true, status: In(['open', 'acknowledged']) }], order: { lastAt: 'DESC' }, take: 500 })
        : await this.repo.find({ order: { lastAt: 'DESC' }, take: 200 });
    return this.views(rows);
  }

  async acknowledge(id: string, note: string, actor: Actor): Promise<AlertView> {
    const alert = await this.repo.findOneBy({ id });
    if (!alert) throw notFound(`alert ${id}`);
    if (alert.status !== 'open') throw conflict(`alert ${id} is already ${alert.status}`);
    alert.status = alert.active ? 'acknowledged' : 'cleared';
    alert.acknowledgedAt = this.clock.now();
    alert.acknowledgedByUserId = actor.id;
    alert.note = note.trim();
    await this.repo.save(alert);
    await this.audit.record({ action: 'alert.acknowledge', entityType: 'alert', entityId: id, detail: `${alert.type}: ${alert.note}` });
    const [view] = await this.views([alert]);
    this.realtime.emitAlert(view!);
    return view!;
  }

  private enqueue(job: () => Promise<void>): void {
    void this.work.run(job);
  }

  private async onAgentEvent(e: EventView): Promise<void> {
    const at = e.occurredAt;
    if (e.kind === 'door' && e.doorId) {
      const base = { doorId: e.doorId, agentId: e.agentId, at, lasting: true };
      if (e.type === 'forced_open') await this.raise({ ...base, type: 'door_forced', key: `door_forced:${e.doorId}` });
      else if (e.type === 'held_open_prealarm') await this.raise({ ...base, type: 'door_held_prealarm', key: `door_held_prealarm:${e.doorId}` });
      else if (e.type === 'held_open') await this.raise({ ...base, type: 'door_held_open', key: `door_held_open:${e.doorId}` });
      else if (e.type === 'closed') {
        for (const type of ['door_forced', 'door_held_prealarm', 'door_held_open']) await this.clear(`${type}:${e.doorId}`, at);
      }
      return;
    }
    if (e.kind === 'device') {
      const device = e.deviceId ?? 'unknown device';
      const detail = `${device}: ${e.detail ?? ''}`;
      if (e.type === 'reader_fault') await this.raise({ type: 'reader_fault', key: `reader_fault:${e.agentId}:${device}`, at, lasting: true, agentId: e.agentId, detail });
      else if (e.type === 'reader_recovered') await this.clear(`reader_fault:${e.agentId}:${device}`, at);
      else if (e.type === 'tamper') await this.raise({ type: 'tamper', key: `tamper:${e.agentId}:${device}`, at, lasting: false, agentId: e.agentId, detail });
      return;
    }
    if (e.kind !== 'access' || !e.reason) return;
    const who = { doorId: e.doorId, agentId: e.agentId, personId: e.personId, holder: e.holder, credential: e.credential };
    const type = ACCESS_ALERTS[e.reason];
    if (type) await this.raise({ ...who, type, key: `${type}:${e.doorId}:${e.credential}`, at, lasting: false, detail: e.reason });
    if (!e.granted && e.credential && e.doorId) {
      const key = `${e.doorId}:${e.credential}`;
      const { repeatedDenials } = await this.rules();
      // Counted from the stored events (stored before this runs), not from what this instance
      // saw: one agent's batches may be ingested by different instances. Up to this event's
      // time only, so each event of a batch counts as it would have on arrival.
      const recent = await this.events.count({
        where: { doorId: e.doorId, credential: e.credential, kind: 'access', granted: false, occurredAt: Between(at - repeatedDenials.windowSeconds * 1000, at) },
      });
      if (recent >= repeatedDenials.count) {
        await this.raise({ ...who, type: 'repeated_denials', key: `repeated_denials:${key}`, at, lasting: false, detail: `${recent} denials within ${repeatedDenials.windowSeconds} s (${e.reason})` });
      }
    }
  }

  /** Folds into the alert of the same condition that is unacknowledged or still holding, else opens a new one. */
  private async raise(o: Occurrence, retried = false): Promise<void> {
    const severity = await this.severityOf(o, await this.rules());
    if (severity === 'off') return;
    const existing = await this.repo.findOne({ where: { dedupeKey: o.key, status: In(['open', 'acknowledged']) }, order: { firstAt: 'DESC' } });
    let alert: AlertEntity;
    if (existing && (existing.status === 'open' || existing.active)) {
      alert = existing;
      alert.count += 1;
      alert.lastAt = Math.max(alert.lastAt, o.at);
      alert.active = o.lasting || alert.active;
      if (o.detail) alert.detail = o.detail.slice(0, 500);
    } else {
      alert = this.repo.create({
        id: randomUUID(),
        type: o.type,
        severity,
        status: 'open',
        active: o.lasting,
        dedupeKey: o.key.slice(0, 200),
        doorId: o.doorId ?? null,
        agentId: o.agentId ?? null,
        personId: o.personId ?? null,
        holder: o.holder ?? null,
        credential: o.credential ?? null,
        detail: o.detail?.slice(0, 500) ?? null,
        count: 1,
        firstAt: o.at,
        lastAt: o.at,
        acknowledgedAt: null,
        acknowledgedByUserId: null,
        note: null,
        escalatedAt: null,
        incidentId: null,
      });
    }
    if (alert === existing) {
      await this.repo.save(alert);
    } else {
      // One open alert per condition is a unique index: if another instance opened this
      // condition's alert a moment ago, nothing is inserted, and the occurrence folds into it.
      await this.repo.createQueryBuilder().insert().into(AlertEntity).values(alert).orIgnore().execute();
      if (!(await this.repo.existsBy({ id: alert.id }))) {
        if (retried) return;
        return this.raise(o, true);
      }
    }
    const [view] = await this.views([alert]);
    this.realtime.emitAlert(view!);
  }

  /** The condition ended: an acknowledged alert is done; an open one stays for a guard to see. */
  private async clear(key: string, _at: number): Promise<void> {
    const alerts = await this.repo.find({ where: { dedupeKey: key, active: true, status: In(['open', 'acknowledged']) } });
    for (const alert of alerts) {
      alert.active = false;
      if (alert.status === 'acknowledged') alert.status = 'cleared';
      await this.repo.save(alert);
      const [view] = await this.views([alert]);
      this.realtime.emitAlert(view!);
    }
  }

  private async views(rows: AlertEntity[]): Promise<AlertView[]> {
    const doorIds = [...new Set(rows.map((r) => r.doorId).filter((id): id is string => id !== null))];
    const doors = new Map((doorIds.length ? await this.doors.find({ select: { id: true, name: true }, where: { id: In(doorIds) } }) : []).map((d) => [d.id, d.name]));
    const users = await loadUserRefs(this.users, rows.map((r) => r.acknowledgedByUserId));
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      severity: r.severity,
      status: r.status,
      active: r.active,
      doorId: r.doorId,
      doorName: r.doorId ? (doors.get(r.doorId) ?? null) : null,
      agentId: r.agentId,
      personId: r.personId,
      holder: r.holder,
      credential: r.credential,
      detail: r.detail,
      count: r.count,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
      acknowledgedAt: r.acknowledgedAt,
      acknowledgedBy: r.acknowledgedByUserId ? (users.get(r.acknowledgedByUserId)?.name ?? r.acknowledgedByUserId) : null,
      note: r.note,
      escalatedAt: r.escalatedAt,
      incidentId: r.incidentId,
    }));
  }
}
