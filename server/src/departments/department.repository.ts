import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { EntityManager, QueryDeepPartialEntity, Repository } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';

/**
 * The departments table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so people, zones and schedules can ask it without a
 * module cycle.
 */
@Injectable()
export class DepartmentRepository {
  constructor(@InjectRepository(DepartmentEntity) private readonly departments: Repository<DepartmentEntity>) {}

  private table(manager?: EntityManager): Repository<DepartmentEntity> {
    return manager ? manager.getRepository(DepartmentEntity) : this.departments;
  }

  findByName(name: string): Promise<DepartmentEntity | null> {
    return this.departments.findOneBy({ name });
  }

  /** Names of the departments whose default zones include the zone. */
  async namesDefaultingToZone(zoneId: string, manager?: EntityManager): Promise<string[]> {
    return (await this.table(manager).find()).filter((d) => d.defaultZones.some((z) => z.zoneId === zoneId)).map((d) => d.name);
  }

  /** Names of the departments whose default zones use the schedule. */
  async namesDefaultingToSchedule(scheduleId: string, manager?: EntityManager): Promise<string[]> {
    return (await this.table(manager).find()).filter((d) => d.defaultZones.some((z) => z.scheduleId === scheduleId)).map((d) => d.name);
  }

  /** Adds a department inside the caller's transaction (the demo site). */
  async insertRow(row: QueryDeepPartialEntity<DepartmentEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(DepartmentEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([DepartmentEntity])], providers: [DepartmentRepository], exports: [DepartmentRepository] })
export class DepartmentRepositoryModule {}
