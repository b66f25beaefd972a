import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { In, MoreThan, type Repository } from 'typeorm';
import { PermissionChangeEntity } from './permission-change.entity.js';

/**
 * The log of permission changes as proof reads it (what changed, when, and what an agent is
 * still missing): narrowly named queries, never the table. A module of its own with no imports.
 */
@Injectable()
export class PermissionChangeRepository {
  constructor(@InjectRepository(PermissionChangeEntity) private readonly changes: Repository<PermissionChangeEntity>) {}

  /** The latest changes that took access away, newest first. */
  latestRevocations(limit: number): Promise<PermissionChangeEntity[]> {
    return this.changes.find({ where: { revokes: true }, order: { version: 'DESC' }, take: limit });
  }

  findByVersion(version: number): Promise<PermissionChangeEntity | null> {
    return this.changes.findOneBy({ version });
  }

  findByVersions(versions: readonly number[]): Promise<PermissionChangeEntity[]> {
    return this.changes.findBy({ version: In([...versions]) });
  }

  /** The latest change recorded with this reason. */
  latestWithReason(reason: string): Promise<PermissionChangeEntity | null> {
    return this.changes.findOne({ where: { reason }, order: { version: 'DESC' } });
  }

  /** The newest `limit` changes after the version, newest first. */
  latestAfter(version: number, limit: number): Promise<PermissionChangeEntity[]> {
    return this.changes.find({ where: { version: MoreThan(version) }, order: { version: 'DESC' }, take: limit });
  }

  countAfter(version: number): Promise<number> {
    return this.changes.countBy({ version: MoreThan(version) });
  }

  countRevocationsAfter(version: number): Promise<number> {
    return this.changes.countBy({ version: MoreThan(version), revokes: true });
  }

  /** The oldest change after the version. */
  firstAfter(version: number): Promise<PermissionChangeEntity | null> {
    return this.changes.findOne({ where: { version: MoreThan(version) }, order: { version: 'ASC' } });
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([PermissionChangeEntity])],
  providers: [PermissionChangeRepository],
  exports: [PermissionChangeRepository],
})
export class PermissionChangeRepositoryModule {}
