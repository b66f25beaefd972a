import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type EntityManager, In, MoreThanOrEqual, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { ZoneEntity } from './zone.entity.js';

/**
 * The zones table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so domains zones also refers to (doors, grants…) can use
 * it without a module cycle.
 */
@Injectable()
export class ZoneRepository {
  constructor(@InjectRepository(ZoneEntity) private readonly zones: Repository<ZoneEntity>) {}

  findById(id: string): Promise<ZoneEntity | null> {
    return this.zones.findOneBy({ id });
  }

  /** The zone; throws TypeORM's EntityNotFoundError when it is gone. */
  findByIdOrFail(id: string): Promise<ZoneEntity> {
    return this.zones.findOneByOrFail({ id });
  }

  exists(id: string): Promise<boolean> {
    return this.zones.existsBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<ZoneEntity[]> {
    return this.zones.findBy({ id: In([...ids]) });
  }

  count(): Promise<number> {
    return this.zones.count();
  }

  all(): Promise<ZoneEntity[]> {
    return this.zones.find();
  }

  names(): Promise<Pick<ZoneEntity, 'id' | 'name'>[]> {
    return this.zones.find({ select: { id: true, name: true } });
  }

  ownedBy(personId: string): Promise<ZoneEntity[]> {
    return this.zones.findBy({ ownerPersonId: personId });
  }

  atLeastLevel(level: number): Promise<ZoneEntity[]> {
    return this.zones.findBy({ level: MoreThanOrEqual(level) });
  }

  /** Adds a zone inside the caller's transaction (the demo site). */
  async insertRow(row: QueryDeepPartialEntity<ZoneEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(ZoneEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([ZoneEntity])], providers: [ZoneRepository], exports: [ZoneRepository] })
export class ZoneRepositoryModule {}
