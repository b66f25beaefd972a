import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type Repository } from 'typeorm';
import { GatePassEntity } from './gate-pass.entity.js';

/** The gate passes as other domains may read them (the evidence pack). A module of its own with no imports. */
@Injectable()
export class GatePassRepository {
  constructor(@InjectRepository(GatePassEntity) private readonly passes: Repository<GatePassEntity>) {}

  requestedBetween(from: number, to: number): Promise<GatePassEntity[]> {
    return this.passes.find({ where: { requestedAt: Between(from, to) } });
  }
}

@Module({ imports: [TypeOrmModule.forFeature([GatePassEntity])], providers: [GatePassRepository], exports: [GatePassRepository] })
export class GatePassRepositoryModule {}
