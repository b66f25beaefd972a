import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type EntityManager, In, LessThan, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { AgentEntity } from './agent.entity.js';

/**
 * The agents table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so doors, readers, events and metrics can ask it without
 * a module cycle (agents also asks doors).
 */
@Injectable()
export class AgentRepository {
  constructor(@InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>) {}

  exists(id: string, manager?: EntityManager): Promise<boolean> {
    return (manager ? manager.getRepository(AgentEntity) : this.agents).existsBy({ id });
  }

  onlineStates(): Promise<Pick<AgentEntity, 'id' | 'online'>[]> {
    return this.agents.find({ select: { id: true, online: true } });
  }

  onlineState(id: string): Promise<Pick<AgentEntity, 'id' | 'online'> | null> {
    return this.agents.findOne({ select: { id: true, online: true }, where: { id } });
  }

  countOnline(): Promise<number> {
    return this.agents.countBy({ online: true });
  }

  count(): Promise<number> {
    return this.agents.count();
  }

  /** Every agent, by id. */
  allById(): Promise<AgentEntity[]> {
    return this.agents.find({ order: { id: 'ASC' } });
  }

  /** The agents, by id. */
  findByIdsById(ids: readonly string[]): Promise<AgentEntity[]> {
    return this.agents.find({ where: { id: In([...ids]) }, order: { id: 'ASC' } });
  }

  /** What the per-agent metrics show. */
  syncStates(): Promise<Pick<AgentEntity, 'id' | 'online' | 'appliedVersion' | 'outboxDepth'>[]> {
    return this.agents.find({ select: { id: true, online: true, appliedVersion: true, outboxDepth: true } });
  }

  // ---- the contiguous event number, kept by events ------------------------------------

  contiguousSeqs(): Promise<Pick<AgentEntity, 'id' | 'contiguousSeq'>[]> {
    return this.agents.find({ select: { id: true, contiguousSeq: true } });
  }

  async contiguousSeqOf(id: string): Promise<number | null> {
    return (await this.agents.findOne({ select: { id: true, contiguousSeq: true }, where: { id } }))?.contiguousSeq ?? null;
  }

  /** Moves the number from `from` to `to` only if it still is `from`; false when another writer moved it. */
  async advanceContiguousSeq(id: string, from: number, to: number): Promise<boolean> {
    const moved = await this.agents.update({ id, contiguousSeq: from }, { contiguousSeq: to });
    return (moved.affected ?? 0) > 0;
  }

  /** Raises the number to `to` unless it is already higher. */
  async raiseContiguousSeq(id: string, to: number): Promise<void> {
    await this.agents.update({ id, contiguousSeq: LessThan(to) }, { contiguousSeq: to });
  }

  /** Registers an agent row inside the caller's transaction (the demo site). */
  async insertRow(row: QueryDeepPartialEntity<AgentEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(AgentEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([AgentEntity])], providers: [AgentRepository], exports: [AgentRepository] })
export class AgentRepositoryModule {}
