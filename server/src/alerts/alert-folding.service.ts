import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { AlertEntity } from './alert.entity.js';
import { AlertRulesService } from './alert-rules.service.js';
import type { Occurrence } from './alert-triggers.js';
import { AlertViews } from './alert-views.service.js';

/**
 * Folding: occurrences of one condition fold into one alert while it persists or stays
 * unacknowledged; a condition that ends clears its alert. Called one at a time, in
 * arrival order (AlertTriggersService's queue), so folding never races on one instance.
 */
@Injectable()
export class AlertFoldingService {
  constructor(
    @InjectRepository(AlertEntity) private readonly repo: Repository<AlertEntity>,
    private readonly rules: AlertRulesService,
    private readonly views: AlertViews,
  ) {}

  /** Folds into the alert of the same condition that is unacknowledged or still holding, else opens a new one. */
  async raise(o: Occurrence, retried = false): Promise<void> {
    const severity = await this.rules.severityOf(o, await this.rules.rules());
    if (severity === 'off') return;
    const existing = await this.repo.findOne({
      where: { dedupeKey: o.key, status: In(['open', 'acknowledged']) },
      order: { firstAt: 'DESC' },
    });
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
    await this.views.publish(alert);
  }

  /** The condition ended: an acknowledged alert is done; an open one stays for a guard to see. */
  async clear(key: string, _at: number): Promise<void> {
    const alerts = await this.repo.find({ where: { dedupeKey: key, active: true, status: In(['open', 'acknowledged']) } });
    for (const alert of alerts) {
      alert.active = false;
      if (alert.status === 'acknowledged') alert.status = 'cleared';
      await this.repo.save(alert);
      await this.views.publish(alert);
    }
  }
}
