import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, type Repository } from 'typeorm';
import type { AlertRulesView } from '@acs/shared/api/incidents';
import { AuditService } from '../audit/audit.service.js';
import { AlertEntity } from './alert.entity.js';
import { AlertViews } from './alert-views.service.js';

/**
 * Escalation: unacknowledged alerts of the escalating severities escalate once (marked,
 * audited, pushed again: the banner shows them as escalated to every admin).
 */
@Injectable()
export class AlertEscalationService {
  constructor(
    @InjectRepository(AlertEntity) private readonly repo: Repository<AlertEntity>,
    private readonly views: AlertViews,
    private readonly audit: AuditService,
  ) {}

  async escalate(now: number, rules: AlertRulesView): Promise<void> {
    const due = await this.repo.find({
      where: {
        status: 'open',
        escalatedAt: IsNull(),
        severity: In(rules.escalateSeverities),
        firstAt: LessThan(now - rules.escalateAfterSeconds * 1000),
      },
      take: 100,
    });
    for (const alert of due) {
      alert.escalatedAt = now;
      await this.repo.update({ id: alert.id }, { escalatedAt: now });
      await this.audit.record({
        action: 'alert.escalate',
        entityType: 'alert',
        entityId: alert.id,
        detail: `${alert.type} unacknowledged for ${rules.escalateAfterSeconds} s`,
      });
      await this.views.publish(alert);
    }
  }
}
