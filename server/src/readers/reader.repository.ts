import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ReaderEntity } from './reader.entity.js';

/** The readers agents reported, as other domains may read them (the evidence pack). A module of its own with no imports. */
@Injectable()
export class ReaderRepository {
  constructor(@InjectRepository(ReaderEntity) private readonly readers: Repository<ReaderEntity>) {}

  all(): Promise<ReaderEntity[]> {
    return this.readers.find();
  }
}

@Module({ imports: [TypeOrmModule.forFeature([ReaderEntity])], providers: [ReaderRepository], exports: [ReaderRepository] })
export class ReaderRepositoryModule {}
