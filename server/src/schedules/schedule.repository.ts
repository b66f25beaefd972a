import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { EntityManager, QueryDeepPartialEntity, Repository } from 'typeorm';
import { ScheduleEntity } from './schedule.entity.js';

/**
 * The schedules table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so domains schedules also refers to (grants…) can use it
 * without a module cycle.
 */
@Injectable()
export class ScheduleRepository {
  constructor(@InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>) {}

  exists(id: string): Promise<boolean> {
    return this.schedules.existsBy({ id });
  }

  all(): Promise<ScheduleEntity[]> {
    return this.schedules.find();
  }

  /** Adds a schedule inside the caller's transaction (the demo site). */
  async insertRow(row: QueryDeepPartialEntity<ScheduleEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(ScheduleEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([ScheduleEntity])], providers: [ScheduleRepository], exports: [ScheduleRepository] })
export class ScheduleRepositoryModule {}
