import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type EntityManager, type Repository } from 'typeorm';
import { AccessRequestEntity } from './access-request.entity.js';

/**
 * The access-requests table as other domains may use it: narrowly named queries, never the
 * table. A module of its own with no imports, so zones, schedules and people can ask it without
 * a module cycle. Methods that take an EntityManager run inside the caller's transaction.
 */
@Injectable()
export class AccessRequestRepository {
  constructor(@InjectRepository(AccessRequestEntity) private readonly requests: Repository<AccessRequestEntity>) {}

  private table(manager?: EntityManager): Repository<AccessRequestEntity> {
    return manager ? manager.getRepository(AccessRequestEntity) : this.requests;
  }

  countDecidedBetween(from: number, to: number): Promise<number> {
    return this.requests.count({ where: { decidedAt: Between(from, to) } });
  }

  countNamingZone(zoneId: string, manager?: EntityManager): Promise<number> {
    return this.table(manager).countBy({ zoneId });
  }

  countNamingSchedule(scheduleId: string, manager?: EntityManager): Promise<number> {
    return this.table(manager).countBy({ scheduleId });
  }

  /** The person departed: their pending requests are cancelled. */
  async cancelPendingOf(personId: string, reason: string, at: number, actorUserId: string | null, manager: EntityManager): Promise<void> {
    const requests = manager.getRepository(AccessRequestEntity);
    for (const request of await requests.findBy({ personId, status: 'pending' })) {
      Object.assign(request, { status: 'cancelled', decidedAt: at, decidedByUserId: actorUserId, decisionReason: reason });
      await requests.save(request);
    }
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([AccessRequestEntity])],
  providers: [AccessRequestRepository],
  exports: [AccessRequestRepository],
})
export class AccessRequestRepositoryModule {}
