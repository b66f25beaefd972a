import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type EntityManager, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import type { EquipmentKind, MovementKind } from '@acs/shared/api/equipment';
import { purgeAgedRows, type PurgeCount, type RetentionHold } from '../database/aged-rows.js';
import { EquipmentEntity, MovementEntity } from './equipment.entity.js';

/**
 * The equipment register and its movement log as other domains may use them (reports,
 * evidence, retention, the demo site): narrowly named queries, never the tables. A module of
 * its own with no imports.
 */
@Injectable()
export class EquipmentRepository {
  constructor(
    @InjectRepository(EquipmentEntity) private readonly equipment: Repository<EquipmentEntity>,
    @InjectRepository(MovementEntity) private readonly movements: Repository<MovementEntity>,
  ) {}

  /** Movements recorded in the period, in log order. */
  movedBetween(from: number, to: number): Promise<MovementEntity[]> {
    return this.movements.find({ where: { at: Between(from, to) }, order: { seq: 'ASC' } });
  }

  countMovementsBetween(kind: MovementKind, from: number, to: number): Promise<number> {
    return this.movements.count({ where: { kind, at: Between(from, to) } });
  }

  countOfKind(kind: EquipmentKind): Promise<number> {
    return this.equipment.count({ where: { kind } });
  }

  /** Adds an item to the register inside the caller's transaction. */
  async insertRow(item: QueryDeepPartialEntity<EquipmentEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(EquipmentEntity, item);
  }

  /** Retention: movements recorded before the cutoff go unless held. */
  purgeAgedMovements(cutoff: number, holds: readonly RetentionHold[]): Promise<PurgeCount> {
    return purgeAgedRows(this.movements, { time: 'at', person: 'person_id', extra: '' }, cutoff, holds);
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([EquipmentEntity, MovementEntity])],
  providers: [EquipmentRepository],
  exports: [EquipmentRepository],
})
export class EquipmentRepositoryModule {}
