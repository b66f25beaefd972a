import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { SerialWork } from '../common/serial-work.js';

interface AgentSeqState {
  contiguous: number;
  /** Sequence numbers received above a hole. */
  ahead: Set<number>;
  /** Since when the lowest hole has been open (null: no hole). */
  holeSince: number | null;
  /** The missing ranges last reported to the alerts, so a report is sent once per change. */
  reported: string | null;
}

/** Sequence numbers kept above a hole, at most, before the hole is given up as lost. */
const MAX_AHEAD = 100_000;
/**
 * A jump further than this past the last contiguous number cannot come from an outbox
 * replay (an agent's outbox numbers every event it keeps, one by one): the agent is broken,
 * restored from an old copy or lying. Reported at once and not waited for.
 */
export const MAX_SEQ_JUMP = 1_000_000;
/** Batches of one agent can arrive out of order while it replays; a hole open longer than this is reported. */
export const HOLE_GRACE_MS = 60_000;
const CHECK_MS = 10_000;

export type SeqRanges = Array<[number, number]>;

export function describeRanges(ranges: SeqRanges): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(', ');
}

/**
 * Follows each agent's event sequence numbers to notice events that never arrived. Keeps
 * the highest contiguous number in the agents table; a hole still open after a grace period,
 * or a jump no replay can explain, becomes an `events_missing` alert (through the
 * `agent.events_missing` signal), cleared when the hole fills.
 */
@Injectable()
export class SeqTracker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('EventSeq');
  private readonly agents = new Map<string, AgentSeqState>();
  private readonly work = new SerialWork(this.logger, 'sequence check');

  constructor(
    @InjectRepository(AgentEntity) private readonly repo: Repository<AgentEntity>,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // An agent that goes quiet after a hole still gets its hole reported. Not leased like the
    // other periodic jobs (issue 15): it reports holes from the batches this instance ingested,
    // which only this instance holds, so every instance checks its own.
    this.work.every(CHECK_MS, async () => {
      for (const [agentId, state] of this.agents) this.report(agentId, state);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.work.stop();
  }

  /** Records received sequence numbers; returns the missing ranges still open. */
  async observe(agentId: string, seqs: readonly number[]): Promise<SeqRanges> {
    const state = await this.stateOf(agentId);
    const before = state.contiguous;
    const now = this.clock.now();
    const jumps: SeqRanges = [];
    let top = this.highest(state);
    for (const seq of [...seqs].sort((a, b) => a - b)) {
      if (seq <= state.contiguous || state.ahead.has(seq)) continue;
      if (seq - top > MAX_SEQ_JUMP) {
        // Nothing will fill this: report it now and follow the agent from its new number.
        jumps.push([top + 1, seq - 1]);
        this.logger.error(`agent ${agentId}: sequence jumped from ${top} to ${seq}; events ${top + 1}..${seq - 1} cannot arrive and are reported missing`);
        state.contiguous = seq - 1;
        state.ahead.clear();
      }
      state.ahead.add(seq);
      top = Math.max(top, seq);
    }
    while (state.ahead.delete(state.contiguous + 1)) state.contiguous += 1;
    if (state.ahead.size > MAX_AHEAD) {
      const lowest = Math.min(...state.ahead);
      this.logger.error(`agent ${agentId}: events ${state.contiguous + 1}..${lowest - 1} given up as lost`);
      jumps.push([state.contiguous + 1, lowest - 1]);
      state.contiguous = lowest - 1;
      while (state.ahead.delete(state.contiguous + 1)) state.contiguous += 1;
    }
    if (state.contiguous !== before) await this.repo.update({ id: agentId }, { contiguousSeq: state.contiguous });
    const holes = this.holes(state);
    if (holes.length === 0) state.holeSince = null;
    else if (state.holeSince === null || state.contiguous !== before) state.holeSince = now;
    if (jumps.length > 0) {
      state.reported = `lost:${describeRanges(jumps)}`;
      this.signals.emit('agent.events_missing', { agentId, missing: describeRanges(jumps), open: true, givenUp: true, at: now });
    } else {
      this.report(agentId, state);
    }
    return holes;
  }

  /** Tells the alerts about a hole once it outlived the grace period, and once it closed. */
  private report(agentId: string, state: AgentSeqState): void {
    const now = this.clock.now();
    const holes = this.holes(state);
    if (holes.length === 0) {
      if (state.reported !== null) {
        state.reported = null;
        this.signals.emit('agent.events_missing', { agentId, missing: '', open: false, givenUp: false, at: now });
      }
      return;
    }
    if (state.holeSince === null || now - state.holeSince < HOLE_GRACE_MS) return;
    const text = describeRanges(holes);
    if (state.reported === text) return;
    state.reported = text;
    this.logger.warn(`agent ${agentId}: events ${text} missing (all up to ${state.contiguous} arrived)`);
    this.signals.emit('agent.events_missing', { agentId, missing: text, open: true, givenUp: false, at: now });
  }

  private highest(state: AgentSeqState): number {
    let top = state.contiguous;
    for (const seq of state.ahead) if (seq > top) top = seq;
    return top;
  }

  private holes(state: AgentSeqState): SeqRanges {
    const ahead = [...state.ahead].sort((a, b) => a - b);
    const holes: SeqRanges = [];
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
      state = { contiguous: agent?.contiguousSeq ?? 0, ahead: new Set(), holeSince: null, reported: null };
      this.agents.set(agentId, state);
    }
    return state;
  }
}
