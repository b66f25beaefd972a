import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type EntityManager, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { quotedTable } from '../database/raw-sql.js';
import { PoolCardEntity } from './reception-records.entity.js';
import { VisitEntity } from './visit.entity.js';

/**
 * Visits and the visitor card pool as other domains may use them (the permission compiler,
 * the evidence pack, the demo site): narrowly named queries, never the tables. A module of its
 * own with no imports.
 */
@Injectable()
export class VisitRepository {
  constructor(@InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>) {}

  /**
   * The escorts of every visit on site with a card, as stored (a JSON array), by card: few rows
   * (visitors on site now), read as plain rows like the rest of what the compiler reads.
   */
  escortsOnSite(): Promise<Array<{ card_id: string; escort_person_ids: string }>> {
    const ds = this.visits.manager.connection;
    return ds.query(
      `SELECT card_id, escort_person_ids FROM ${quotedTable(ds, VisitEntity)} WHERE status = 'on_site' AND card_id IS NOT NULL`,
    );
  }

  /** Visits checked in during the period: how and when they ended. */
  checkedInBetween(
    from: number,
    to: number,
  ): Promise<Pick<VisitEntity, 'id' | 'checkedInAt' | 'signedOutAt' | 'status' | 'signoutKind' | 'signoutReason'>[]> {
    return this.visits.find({
      select: { id: true, checkedInAt: true, signedOutAt: true, status: true, signoutKind: true, signoutReason: true },
      where: { checkedInAt: Between(from, to) },
    });
  }

  /** Adds a card to the visitor card pool inside the caller's transaction. */
  async addPoolCard(card: QueryDeepPartialEntity<PoolCardEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(PoolCardEntity, card);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([VisitEntity])], providers: [VisitRepository], exports: [VisitRepository] })
export class VisitRepositoryModule {}
