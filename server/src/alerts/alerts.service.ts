import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { AlertView } from '@acs/shared/api/alerts';
import type { AlertRulesView } from '@acs/shared/api/incidents';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { AlertEntity } from './alert.entity.js';
import { AlertRulesService } from './alert-rules.service.js';
import { AlertTriggersService } from './alert-triggers.service.js';
import { AlertViews } from './alert-views.service.js';

/**
 * The alerts staff see and handle: listing, acknowledging, linking to an incident. How
 * alerts arise is AlertTriggersService (the trigger table) with AlertFoldingService; the
 * rules are AlertRulesService; escalation is AlertEscalationService.
 */
@Injectable()
export class AlertsService {
  constructor(
    @InjectRepository(AlertEntity) private readonly repo: Repository<AlertEntity>,
    private readonly alertViews: AlertViews,
    private readonly triggers: AlertTriggersService,
    private readonly alertRules: AlertRulesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Resolves once every signal received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.triggers.idle();
  }

  /** One pass of the time rules (escalation, sync lag); the timer runs it, tests call it with their clock. */
  sweep(now: number): Promise<void> {
    return this.triggers.sweep(now);
  }

  rules(): Promise<AlertRulesView> {
    return this.alertRules.rules();
  }

  async list(scope: 'active' | 'recent'): Promise<AlertView[]> {
    const rows =
      scope === 'active'
        ? await this.repo.find({
            where: [{ status: 'open' }, { active: true, status: In(['open', 'acknowledged']) }],
            order: { lastAt: 'DESC' },
            take: 500,
          })
        : await this.repo.find({ order: { lastAt: 'DESC' }, take: 200 });
    return this.alertViews.views(rows);
  }

  async get(id: string): Promise<AlertEntity> {
    const alert = await this.repo.findOneBy({ id });
    if (!alert) throw notFound(`alert ${id}`);
    return alert;
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
    return this.alertViews.publish(alert);
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
    return this.alertViews.publish(alert);
  }
}
