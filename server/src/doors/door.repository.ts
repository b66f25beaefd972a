import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Not, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { DoorEntity } from './door.entity.js';

/**
 * The doors table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so agents, zones, events and incidents can ask it
 * without a module cycle (doors also asks zones and agents).
 */
@Injectable()
export class DoorRepository {
  constructor(@InjectRepository(DoorEntity) private readonly doors: Repository<DoorEntity>) {}

  private table(manager?: EntityManager): Repository<DoorEntity> {
    return manager ? manager.getRepository(DoorEntity) : this.doors;
  }

  count(): Promise<number> {
    return this.doors.count();
  }

  all(): Promise<DoorEntity[]> {
    return this.doors.find();
  }

  /** Which agent drives each door (of one agent, or of all). */
  agentLinks(agentId?: string): Promise<Pick<DoorEntity, 'id' | 'agentId'>[]> {
    return this.doors.find({ select: { id: true, agentId: true }, ...(agentId !== undefined ? { where: { agentId } } : {}) });
  }

  /** Doors that an agent drives, with the agent (what proof and the permission compiler need to know who enforces what). */
  agentDriven(): Promise<DoorEntity[]> {
    return this.doors.find({ where: { agentId: Not(IsNull()) } });
  }

  /** Which agent drives each door that has one. */
  agentDrivenLinks(): Promise<Pick<DoorEntity, 'id' | 'agentId'>[]> {
    return this.doors.find({ select: { id: true, agentId: true }, where: { agentId: Not(IsNull()) } });
  }

  /** The doors an agent drives, with the zones each joins. */
  drivenBy(agentId: string): Promise<Pick<DoorEntity, 'id' | 'agentId' | 'fromZoneId' | 'toZoneId'>[]> {
    return this.doors.find({ select: { id: true, agentId: true, fromZoneId: true, toZoneId: true }, where: { agentId } });
  }

  names(): Promise<Pick<DoorEntity, 'id' | 'name'>[]> {
    return this.doors.find({ select: { id: true, name: true } });
  }

  /** The zone a door leads into. */
  destination(id: string): Promise<Pick<DoorEntity, 'id' | 'toZoneId'> | null> {
    return this.doors.findOne({ select: { id: true, toZoneId: true }, where: { id } });
  }

  /** Doors on either side of the zone (a zone with doors cannot be deleted). */
  async countTouchingZone(zoneId: string, manager?: EntityManager): Promise<number> {
    const doors = this.table(manager);
    const [from, to] = await Promise.all([doors.countBy({ fromZoneId: zoneId }), doors.countBy({ toZoneId: zoneId })]);
    return from + to;
  }

  /** Adds a door inside the caller's transaction (the demo site). */
  async insertRow(row: QueryDeepPartialEntity<DoorEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(DoorEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([DoorEntity])], providers: [DoorRepository], exports: [DoorRepository] })
export class DoorRepositoryModule {}
