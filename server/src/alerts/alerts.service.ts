import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ALERT_SEVERITY, type AlertType, type AlertView } from '@acs/shared/api/alerts';
import type { EventView } from '@acs/shared/api/views';
import { UserEntity } from '../auth/user.entity.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { loadUserRefs } from '../common/user-refs.js';
import { DoorEntity } from '../doors/door.entity.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { AlertEntity } from './alert.entity.js';

/** Denials by one card at one door within this window, this many times, raise `repeated_denials`. */
export const REPEATED_DENIALS = { count: 3, windowMs: 60_000 };

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
export class AlertsService implements OnModuleInit {
  private readonly logger = new Logger('Alerts');
  private chain: Promise<void> = Promise.resolve();
  private readonly denials = new Map<string, number[]>();

  constructor(
    @InjectRepository(AlertEntity) private readonly repo: Repository<AlertEntity>,
    @InjectRepository(DoorEntity) private readonly doors: Repository<DoorEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly signals: DomainSignalBus,
    private readonly realtime: RealtimeGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
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

  /** Resolves once every signal received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
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

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => this.logger.error(`alert handling failed: ${(err as Error).stack ?? String(err)}`));
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
      const recent = (this.denials.get(key) ?? []).filter((t) => at - t <= REPEATED_DENIALS.windowMs);
      recent.push(at);
      this.denials.set(key, recent);
      if (recent.length >= REPEATED_DENIALS.count) {
        await this.raise({ ...who, type: 'repeated_denials', key: `repeated_denials:${key}`, at, lasting: false, detail: `${recent.length} denials within ${REPEATED_DENIALS.windowMs / 1000} s (${e.reason})` });
      }
    }
  }

  /** Folds into the alert of the same condition that is unacknowledged or still holding, else opens a new one. */
  private async raise(o: Occurrence): Promise<void> {
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
        severity: ALERT_SEVERITY[o.type],
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
      });
    }
    await this.repo.save(alert);
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
    }));
  }
}
