import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type Repository } from 'typeorm';
import { SealEntity } from './seal.entity.js';

/** The seals as other domains may count them (the evidence pack). A module of its own with no imports. */
@Injectable()
export class SealRepository {
  constructor(@InjectRepository(SealEntity) private readonly seals: Repository<SealEntity>) {}

  countAppliedBetween(from: number, to: number): Promise<number> {
    return this.seals.count({ where: { appliedAt: Between(from, to) } });
  }

  /** Seals found broken at an inspection in the period. */
  countFoundBrokenBetween(from: number, to: number): Promise<number> {
    return this.seals.count({ where: { status: 'broken', lastInspectedAt: Between(from, to) } });
  }
}

@Module({ imports: [TypeOrmModule.forFeature([SealEntity])], providers: [SealRepository], exports: [SealRepository] })
export class SealRepositoryModule {}
