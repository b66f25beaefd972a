import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type EntityManager, In, IsNull, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { epochOrNull, readPaged, sliced } from '../database/paged-rows.js';
import { quotedTable } from '../database/raw-sql.js';
import { GrantEntity } from './grant.entity.js';

/**
 * The grants table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so domains grants also refers to (people, zones,
 * schedules) can use it without a module cycle. Methods that take an EntityManager run inside
 * the caller's transaction.
 */
@Injectable()
export class GrantRepository {
  constructor(@InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>) {}

  private table(manager?: EntityManager): Repository<GrantEntity> {
    return manager ? manager.getRepository(GrantEntity) : this.grants;
  }

  /** Grants, past or present, that name the zone (a zone they name cannot be deleted). */
  countNamingZone(zoneId: string, manager?: EntityManager): Promise<number> {
    return this.table(manager).countBy({ zoneId });
  }

  /** Grants, past or present, that name the schedule. */
  countNamingSchedule(scheduleId: string, manager?: EntityManager): Promise<number> {
    return this.table(manager).countBy({ scheduleId });
  }

  /** The person's grants that have not ended. */
  liveOf(personId: string, manager?: EntityManager): Promise<GrantEntity[]> {
    return this.table(manager).findBy({ personId, revokedAt: IsNull() });
  }

  /** Whether the person holds a live grant to the zone. */
  hasLive(personId: string, zoneId: string): Promise<boolean> {
    return this.grants.existsBy({ personId, zoneId, revokedAt: IsNull() });
  }

  /** The grant, if it has not ended. */
  findLive(id: string, manager?: EntityManager): Promise<GrantEntity | null> {
    return this.table(manager).findOneBy({ id, revokedAt: IsNull() });
  }

  /** Live grants in the zones, by zone then age (what an access review walks through). */
  liveInZones(zoneIds: readonly string[]): Promise<GrantEntity[]> {
    return this.grants.find({ where: { zoneId: In([...zoneIds]), revokedAt: IsNull() }, order: { zoneId: 'ASC', createdAt: 'ASC' } });
  }

  /** Live grants to one zone, oldest first (who may enter it now). */
  liveInZone(zoneId: string): Promise<GrantEntity[]> {
    return this.grants.find({ where: { zoneId, revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /** Every live grant as a plain row (what the permission compiler needs of it), read in pages. */
  async rawLive(): Promise<GrantEntity[]> {
    const ds = this.grants.manager.connection;
    const rows = await readPaged(
      ds,
      'id, person_id, zone_id, schedule_id, valid_until',
      quotedTable(ds, GrantEntity),
      'revoked_at IS NULL',
    );
    const grants: GrantEntity[] = [];
    await sliced(rows, (r) =>
      grants.push({
        personId: r.person_id,
        zoneId: r.zone_id,
        scheduleId: r.schedule_id ?? null,
        validUntil: epochOrNull(r.valid_until),
      } as GrantEntity),
    );
    return grants;
  }

  /** The live grants of the people. */
  liveOfPeople(personIds: readonly string[]): Promise<GrantEntity[]> {
    return this.grants.find({ where: { personId: In([...personIds]), revokedAt: IsNull() } });
  }

  /** Grants that have not ended. */
  countLive(): Promise<number> {
    return this.grants.count({ where: { revokedAt: IsNull() } });
  }

  /** The people's grants that their departure ended. */
  endedByDepartureOf(personIds: readonly string[]): Promise<Pick<GrantEntity, 'id' | 'personId' | 'revokedAt'>[]> {
    return this.grants.find({
      select: { id: true, personId: true, revokedAt: true },
      where: { personId: In([...personIds]), revokedReason: 'person_departed' },
    });
  }

  async insert(grant: QueryDeepPartialEntity<GrantEntity>, manager?: EntityManager): Promise<void> {
    await this.table(manager).insert(grant);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([GrantEntity])], providers: [GrantRepository], exports: [GrantRepository] })
export class GrantRepositoryModule {}
