import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type Repository } from 'typeorm';
import { purgeAgedRows, type PurgeCount, type RetentionHold } from '../database/aged-rows.js';
import { EventEntity } from './event.entity.js';

/**
 * The stored door events as other domains may use them (evidence, retention): narrowly named
 * queries, never the table. A module of its own with no imports.
 */
@Injectable()
export class EventRepository {
  constructor(@InjectRepository(EventEntity) private readonly events: Repository<EventEntity>) {}

  /** Events that occurred in the period. */
  countBetween(from: number, to: number): Promise<number> {
    return this.events.count({ where: { occurredAt: Between(from, to) } });
  }

  /** Access decisions at doors in the period, or only the denied ones. */
  countAccessDecisionsBetween(from: number, to: number, onlyDenied = false): Promise<number> {
    return this.events.count({ where: { kind: 'access', ...(onlyDenied ? { granted: false } : {}), occurredAt: Between(from, to) } });
  }

  /** Retention: events that occurred before the cutoff go unless held. */
  purgeAged(cutoff: number, holds: readonly RetentionHold[]): Promise<PurgeCount> {
    return purgeAgedRows(this.events, { time: 'occurred_at', person: 'person_id', extra: '' }, cutoff, holds);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([EventEntity])], providers: [EventRepository], exports: [EventRepository] })
export class EventRepositoryModule {}
