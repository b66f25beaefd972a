import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';

interface AgentSeqState {
  contiguous: number;
  /** Sequence numbers received above a hole. */
  ahead: Set<number>;
  lastReportedHole: number | null;
}

/** Far beyond any outbox replay: past this the hole is declared lost rather than awaited. */
const MAX_AHEAD = 100_000;

/**
 * Follows each agent's event sequence numbers to notice events that never arrived
 * (issue 3 completes recovery). Keeps the highest contiguous number in the agents table.
 */
@Injectable()
export class SeqTracker {
  private readonly logger = new Logger('EventSeq');
  private readonly agents = new Map<string, AgentSeqState>();

  constructor(@InjectRepository(AgentEntity) private readonly repo: Repository<AgentEntity>) {}

  /** Records received sequence numbers; returns the missing ranges still open. */
  async observe(agentId: string, seqs: readonly number[]): Promise<Array<[number, number]>> {
    const state = await this.stateOf(agentId);
    const before = state.contiguous;
    for (const seq of seqs) if (seq > state.contiguous) state.ahead.add(seq);
    while (state.ahead.delete(state.contiguous + 1)) state.contiguous += 1;
    if (state.ahead.size > MAX_AHEAD) {
      const lowest = Math.min(...state.ahead);
      this.logger.error(`agent ${agentId}: events ${state.contiguous + 1}..${lowest - 1} given up as lost`);
      state.contiguous = lowest - 1;
      while (state.ahead.delete(state.contiguous + 1)) state.contiguous += 1;
    }
    if (state.contiguous !== before) await this.repo.update({ id: agentId }, { contiguousSeq: state.contiguous });
    const holes = this.holes(state);
    if (holes.length > 0 && holes[0]![0] !== state.lastReportedHole) {
      state.lastReportedHole = holes[0]![0];
      const text = holes.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(', ');
      this.logger.warn(`agent ${agentId}: events ${text} missing (all up to ${state.contiguous} arrived)`);
    } else if (holes.length === 0) {
      state.lastReportedHole = null;
    }
    return holes;
  }

  private holes(state: AgentSeqState): Array<[number, number]> {
    const ahead = [...state.ahead].sort((a, b) => a - b);
    const holes: Array<[number, number]> = [];
    let expected = state.contiguous + 1;
    for (const seq of ahead) {
      if (seq > expected) holes.push([expected, seq - 1]);
      expected = seq + 1;
    }
    return holes;
  }

  private async stateOf(agentId: string): Promise<AgentSeqState> {
    let state = this.agents.get(agentId);
    if (!state) {
      const agent = await this.repo.findOne({ select: { id: true, contiguousSeq: true }, where: { id: agentId } });
      state = { contiguous: agent?.contiguousSeq ?? 0, ahead: new Set(), lastReportedHole: null };
      this.agents.set(agentId, state);
    }
    return state;
  }
}
