import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, In, IsNull, Not, type Repository } from 'typeorm';
import type { AlertType } from '@acs/shared/api/alerts';
import { purgeAgedRows, type PurgeCount, type RetentionHold } from '../database/aged-rows.js';
import { AlertEntity } from './alert.entity.js';

/**
 * The alerts table as other domains may use it (reports, incidents, evidence, metrics,
 * retention): narrowly named queries, never the table. A module of its own with no imports,
 * so incidents, which alerts links to, can use it without a module cycle.
 */
@Injectable()
export class AlertRepository {
  constructor(@InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>) {}

  exists(id: string): Promise<boolean> {
    return this.alerts.existsBy({ id });
  }

  /** Alerts first raised in the period, oldest first. */
  raisedBetween(from: number, to: number): Promise<AlertEntity[]> {
    return this.alerts.find({ where: { firstAt: Between(from, to) }, order: { firstAt: 'ASC' } });
  }

  /** When each alert first raised in the period was raised and acknowledged (null when it was not). */
  acknowledgementTimes(from: number, to: number): Promise<Pick<AlertEntity, 'id' | 'firstAt' | 'acknowledgedAt'>[]> {
    return this.alerts.find({ select: { id: true, firstAt: true, acknowledgedAt: true }, where: { firstAt: Between(from, to) } });
  }

  /** Like acknowledgementTimes, only the acknowledged ones. */
  acknowledgedTimes(from: number, to: number): Promise<Pick<AlertEntity, 'id' | 'firstAt' | 'acknowledgedAt'>[]> {
    return this.alerts.find({
      select: { id: true, firstAt: true, acknowledgedAt: true },
      where: { firstAt: Between(from, to), acknowledgedAt: Not(IsNull()) },
    });
  }

  /** Alerts first raised in the period, of the types when given. */
  countRaisedBetween(from: number, to: number, types?: readonly AlertType[]): Promise<number> {
    return this.alerts.count({ where: { firstAt: Between(from, to), ...(types ? { type: In([...types]) } : {}) } });
  }

  /** Alerts first raised in the period that escalated. */
  countEscalatedRaisedBetween(from: number, to: number): Promise<number> {
    return this.alerts.count({ where: { firstAt: Between(from, to), escalatedAt: Not(IsNull()) } });
  }

  /** Open (unacknowledged) alerts per severity, counted in the database. */
  openBySeverity(): Promise<{ severity: string; n: string | number }[]> {
    return this.alerts
      .createQueryBuilder('a')
      .select('a.severity', 'severity')
      .addSelect('COUNT(*)', 'n')
      .where('a.status = :status', { status: 'open' })
      .groupBy('a.severity')
      .getRawMany<{ severity: string; n: string | number }>();
  }

  /** Retention: alerts last seen before the cutoff go unless held; an unacknowledged alert is never deleted. */
  purgeAged(cutoff: number, holds: readonly RetentionHold[]): Promise<PurgeCount> {
    return purgeAgedRows(this.alerts, { time: 'last_at', person: 'person_id', extra: ` AND status <> 'open'` }, cutoff, holds);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([AlertEntity])], providers: [AlertRepository], exports: [AlertRepository] })
export class AlertRepositoryModule {}
