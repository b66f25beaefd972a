import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { ReviewItemEntity } from './review-item.entity.js';

/**
 * The access-review items as other domains may use them: narrowly named queries, never the
 * table. A module of its own with no imports, so zones and schedules can ask it without a
 * module cycle.
 */
@Injectable()
export class ReviewItemRepository {
  constructor(@InjectRepository(ReviewItemEntity) private readonly items: Repository<ReviewItemEntity>) {}

  private table(manager?: EntityManager): Repository<ReviewItemEntity> {
    return manager ? manager.getRepository(ReviewItemEntity) : this.items;
  }

  countNamingZone(zoneId: string, manager?: EntityManager): Promise<number> {
    return this.table(manager).countBy({ zoneId });
  }

  countNamingSchedule(scheduleId: string, manager?: EntityManager): Promise<number> {
    return this.table(manager).countBy({ scheduleId });
  }
}

@Module({ imports: [TypeOrmModule.forFeature([ReviewItemEntity])], providers: [ReviewItemRepository], exports: [ReviewItemRepository] })
export class ReviewItemRepositoryModule {}
