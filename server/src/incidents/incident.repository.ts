import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type Repository } from 'typeorm';
import { purgeAgedRows, type PurgeCount, type RetentionHold } from '../database/aged-rows.js';
import { quotedTable } from '../database/raw-sql.js';
import { IncidentEntity, IncidentEntryEntity } from './incident.entity.js';

/**
 * The incidents table as other domains may use it (evidence, retention): narrowly named
 * queries, never the table. A module of its own with no imports.
 */
@Injectable()
export class IncidentRepository {
  constructor(@InjectRepository(IncidentEntity) private readonly incidents: Repository<IncidentEntity>) {}

  countOpenedBetween(from: number, to: number): Promise<number> {
    return this.incidents.count({ where: { createdAt: Between(from, to) } });
  }

  countClosedBetween(from: number, to: number): Promise<number> {
    return this.incidents.count({ where: { closedAt: Between(from, to) } });
  }

  /** Retention: only closed incidents age, and their timelines go with them in the same transaction. */
  purgeAged(cutoff: number, holds: readonly RetentionHold[]): Promise<PurgeCount> {
    const ds = this.incidents.manager.connection;
    return purgeAgedRows(
      this.incidents,
      { time: 'closed_at', person: null, extra: ` AND status = 'closed'` },
      cutoff,
      holds,
      async (m, doomed, params) => {
        await m.query(
          `DELETE FROM ${quotedTable(ds, IncidentEntryEntity)} WHERE incident_id IN (SELECT id FROM ${quotedTable(ds, IncidentEntity)} WHERE ${doomed})`,
          params,
        );
      },
    );
  }
}

@Module({ imports: [TypeOrmModule.forFeature([IncidentEntity])], providers: [IncidentRepository], exports: [IncidentRepository] })
export class IncidentRepositoryModule {}
