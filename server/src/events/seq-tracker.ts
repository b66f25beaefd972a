import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { AgentRepository } from '../agents/agent.repository.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { SerialWork } from '../common/serial-work.js';
import { EventEntity } from './event.entity.js';
import { RefusedEventEntity } from './refused-event.entity.js';

/**
 * A jump further than this past the last contiguous number cannot come from an outbox
 * replay (an agent's outbox numbers every event it keeps, one by one): the agent is broken,
 * restored from an old copy or lying. Reported at once and not waited for.
 */
export const MAX_SEQ_JUMP = 1_000_000;
/** A hole open longer than this is reported (an agent resends what was not acknowledged within seconds). */
export const HOLE_GRACE_MS = 60_000;
/** A hole still open this long will not fill: the agent only forgets events it saw acknowledged. */
export const HOLE_GIVE_UP_MS = 3_600_000;
const CHECK_MS = 10_000;
/** Sequence numbers read per step of a walk. */
const WALK_PAGE = 2000;

export type SeqRanges = Array<[number, number]>;

export function describeRanges(ranges: SeqRanges): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(', ');
}

interface OpenHole {
  from: number;
  to: number;
  since: number;
  reported: boolean;
}

/**
 * Follows each agent's event sequence numbers to notice events that never arrived.
 *
 * The truth is the database: the highest contiguous number is kept in the agents table and
 * advanced by walking the numbers stored (events, and events refused for good), so it stays
 * right when several server instances each ingest part of one agent's batches. Updates
 * only ever raise it, so two instances advancing it at once cannot move it back. A hole
 * still open after a grace period becomes an `events_missing` alert (through the
 * `agent.events_missing` signal), cleared when it fills; a jump no replay can explain, or a
 * hole open for an hour, is reported as events that will never arrive and skipped.
 */
@Injectable()
export class SeqTracker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('EventSeq');
  private readonly work = new SerialWork(this.logger, 'sequence check');
  /** Holes this instance has seen, per agent (when each was first seen, whether reported). */
  private readonly holes = new Map<string, OpenHole>();

  constructor(
    private readonly agents: AgentRepository,
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    @InjectRepository(RefusedEventEntity) private readonly refused: Repository<RefusedEventEntity>,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // Agents that went quiet after a hole still get it reported, and holes filled through
    // another instance cleared.
    this.work.every(CHECK_MS, () => this.checkAll());
  }

  async onModuleDestroy(): Promise<void> {
    await this.work.stop();
  }

  /** After a batch was stored: its sequence numbers (stored now, before, or refused). Returns the holes still open. */
  async observe(agentId: string, seqs: readonly number[]): Promise<SeqRanges> {
    let contiguous = await this.contiguousOf(agentId);
    if (contiguous === null) return [];
    const top = seqs.length ? Math.max(...seqs) : contiguous;
    if (top - contiguous > MAX_SEQ_JUMP) {
      const lost: [number, number] = [contiguous + 1, top - 1];
      this.logger.error(
        `agent ${agentId}: sequence jumped from ${contiguous} to ${top}; events ${describeRanges([lost])} cannot arrive and are reported missing`,
      );
      this.signals.emit('agent.events_missing', {
        agentId,
        missing: describeRanges([lost]),
        open: true,
        givenUp: true,
        at: this.clock.now(),
      });
      contiguous = await this.raiseContiguous(agentId, top - 1);
    }
    // The usual case (an agent sends one batch at a time): the batch starts right after the
    // contiguous number and has no hole of its own. One conditional update, no walk. If
    // another instance moved the number meanwhile, the update does nothing and the walk
    // settles it.
    const base = contiguous;
    const fresh = [...new Set(seqs.filter((seq) => seq > base))].sort((a, b) => a - b);
    if (fresh.length > 0 && fresh[0] === base + 1 && fresh[fresh.length - 1] === base + fresh.length && !this.holes.has(agentId)) {
      if (await this.agents.advanceContiguousSeq(agentId, base, base + fresh.length)) {
        // Numbers beyond the batch already stored (batches of one agent taken by two
        // instances, or an old agent with several in flight): walk on from there.
        if (!(await this.events.exists({ where: { agentId, seq: base + fresh.length + 1 } }))) return [];
        contiguous = base + fresh.length;
      }
    }
    return this.walk(agentId, contiguous);
  }

  /** Walks every agent with numbers stored above its contiguous one (the periodic check). */
  async checkAll(): Promise<void> {
    for (const agent of await this.agents.contiguousSeqs()) {
      const above = await this.events.exists({ where: { agentId: agent.id, seq: MoreThan(agent.contiguousSeq) } });
      if (above || this.holes.has(agent.id)) await this.walk(agent.id, agent.contiguousSeq);
    }
  }

  private async walk(agentId: string, from: number): Promise<SeqRanges> {
    let contiguous = from;
    let firstAbove: number | null = null;
    for (;;) {
      const seqs = await this.storedAbove(agentId, contiguous);
      let i = 0;
      while (i < seqs.length && seqs[i] === contiguous + 1) {
        contiguous += 1;
        i += 1;
      }
      if (i < seqs.length) {
        firstAbove = seqs[i]!;
        break;
      }
      if (seqs.length < WALK_PAGE) break;
    }
    if (contiguous > from) contiguous = await this.raiseContiguous(agentId, contiguous);
    const holes: SeqRanges = firstAbove !== null && firstAbove > contiguous + 1 ? [[contiguous + 1, firstAbove - 1]] : [];
    this.track(agentId, holes[0] ?? null);
    return holes;
  }

  /** Tells the alerts about a hole once it outlived the grace period, once it closed, and gives it up after an hour. */
  private track(agentId: string, hole: [number, number] | null): void {
    const now = this.clock.now();
    const known = this.holes.get(agentId);
    if (!hole) {
      if (known?.reported) this.signals.emit('agent.events_missing', { agentId, missing: '', open: false, givenUp: false, at: now });
      this.holes.delete(agentId);
      return;
    }
    const [from, to] = hole;
    const current = known && known.from === from ? { ...known, to } : { from, to, since: now, reported: false };
    this.holes.set(agentId, current);
    if (known?.reported && known.from !== from)
      this.signals.emit('agent.events_missing', { agentId, missing: '', open: false, givenUp: false, at: now });
    if (now - current.since >= HOLE_GIVE_UP_MS) {
      this.logger.error(`agent ${agentId}: events ${describeRanges([hole])} missing for an hour; given up as lost`);
      this.signals.emit('agent.events_missing', { agentId, missing: '', open: false, givenUp: false, at: now });
      this.signals.emit('agent.events_missing', { agentId, missing: describeRanges([hole]), open: true, givenUp: true, at: now });
      this.holes.delete(agentId);
      void this.raiseContiguous(agentId, to).then(() => this.walk(agentId, to));
      return;
    }
    if (!current.reported && now - current.since >= HOLE_GRACE_MS) {
      current.reported = true;
      this.logger.warn(`agent ${agentId}: events ${describeRanges([hole])} missing`);
      this.signals.emit('agent.events_missing', { agentId, missing: describeRanges([hole]), open: true, givenUp: false, at: now });
    }
  }

  private async contiguousOf(agentId: string): Promise<number | null> {
    return this.agents.contiguousSeqOf(agentId);
  }

  /** Raises the stored contiguous number to `to` unless it is already higher; returns what is stored. */
  private async raiseContiguous(agentId: string, to: number): Promise<number> {
    await this.agents.raiseContiguousSeq(agentId, to);
    return (await this.contiguousOf(agentId)) ?? to;
  }

  /** Numbers above `after` that are stored or were refused for good, ascending, one page. */
  private async storedAbove(agentId: string, after: number): Promise<number[]> {
    const where = { agentId, seq: MoreThan(after) };
    const [stored, refused] = await Promise.all([
      this.events.find({ select: { eventId: true, seq: true }, where, order: { seq: 'ASC' }, take: WALK_PAGE }),
      this.refused.find({ select: { eventId: true, seq: true }, where, order: { seq: 'ASC' }, take: WALK_PAGE }),
    ]);
    const merged = [...new Set([...stored.map((e) => e.seq), ...refused.map((e) => e.seq)])].sort((a, b) => a - b);
    return merged.slice(0, WALK_PAGE);
  }
}
