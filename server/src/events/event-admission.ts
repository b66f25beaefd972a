import { Injectable, Logger } from '@nestjs/common';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { type CardHolder, CardsService, holderKey } from '../cards/cards.service.js';
import type { DoorEntity } from '../doors/door.entity.js';

/** What admission needs of a door: which agent drives it and the zones it joins. */
type AdmissionDoor = Pick<DoorEntity, 'id' | 'agentId' | 'fromZoneId' | 'toZoneId'>;
import { DoorRepository } from '../doors/door.repository.js';
import { ReadersService } from '../readers/readers.service.js';

/** A device time further ahead of the server's clock than this is not believed. */
export const DEVICE_TIME_AHEAD_MS = 5 * 60_000;
/**
 * A device time further back than this is not believed either. An agent keeps deciding
 * offline and replays its outbox later, and history is imported, so the past is generous;
 * what it catches is a clock that never got set (a Raspberry Pi without a real-time clock
 * boots at 1970 or at its last shutdown) and timestamps of 0 or thereabouts.
 */
export const DEVICE_TIME_BEHIND_MS = 10 * 366 * 24 * 3_600_000;

const EQUIPMENT_TTL_MS = 1000;

interface AgentEquipment {
  at: number;
  doors: Map<string, AdmissionDoor>;
  readers: Map<string, { doorId: string; direction: string }>;
}

/** An event as the server will store it: what the agent said, corrected by the server's own records. */
export interface AdmittedEvent {
  event: AgentEvent;
  /** The agent's own timestamp when it was outside the window and replaced by the server's. */
  deviceOccurredAt: number | null;
}

export interface Admission {
  admitted: AdmittedEvent[];
  /** Events refused for good, with the reason (logged; acknowledged so the agent does not resend them). */
  refused: Array<{ event: AgentEvent; reason: string }>;
}

/**
 * What an agent says is checked against what the server knows before anything is stored:
 * - an event is accepted only for a door the agent drives (and, once the agent has reported
 *   its readers, a reader of that door in that direction);
 * - the zone follows from the door and direction, the card holder and person from the
 *   card's record: a name the agent made up is never stored or shown;
 * - a device time outside [server time − 10 years, server time + 5 min] is replaced by the
 *   server's receive time and kept aside, so a clock set to 2100 cannot put someone "in the
 *   machine room since 2100" or outlive retention.
 */
@Injectable()
export class EventAdmission {
  private readonly logger = new Logger('EventAdmission');
  private readonly equipment = new Map<string, AgentEquipment>();

  constructor(
    private readonly doors: DoorRepository,
    private readonly cards: CardsService,
    private readonly readers: ReadersService,
  ) {}

  async admit(agentId: string, events: readonly AgentEvent[], receivedAt: number): Promise<Admission> {
    const { doors, readers } = await this.equipmentOf(agentId);
    const reads = events.flatMap((e) => (e.kind === 'access' ? [{ credential: e.credential, cardId: e.cardId }] : []));
    const holders = reads.length ? await this.cards.holdersOf(reads) : new Map<string, CardHolder>();
    const admission: Admission = { admitted: [], refused: [] };
    for (const event of events) {
      const refusal = this.refusal(event, doors, readers);
      if (refusal) {
        admission.refused.push({ event, reason: refusal });
        continue;
      }
      let checked: AgentEvent = event;
      if (event.kind === 'access') {
        const door = doors.get(event.doorId)!;
        const held = holders.get(holderKey(event.credential, event.cardId));
        checked = {
          ...event,
          zoneId: event.direction === 'in' ? door.toZoneId : door.fromZoneId,
          cardId: held?.cardId ?? null,
          personId: held?.personId ?? null,
          holder: held?.holder ?? null,
        };
      }
      const outside = event.occurredAt > receivedAt + DEVICE_TIME_AHEAD_MS || event.occurredAt < receivedAt - DEVICE_TIME_BEHIND_MS;
      admission.admitted.push(
        outside
          ? { event: { ...checked, occurredAt: receivedAt }, deviceOccurredAt: event.occurredAt }
          : { event: checked, deviceOccurredAt: null },
      );
    }
    for (const { event, reason } of admission.refused) {
      this.logger.warn(`agent ${agentId}: refused event ${event.eventId} (seq ${event.seq}, ${event.kind}): ${reason}`);
    }
    return admission;
  }

  /**
   * The doors and readers an agent drives, read at most once per second per agent: every
   * batch needs them and they change rarely (a door moved to another agent is followed
   * within a second).
   */
  private async equipmentOf(agentId: string): Promise<AgentEquipment> {
    const now = Date.now();
    const cached = this.equipment.get(agentId);
    if (cached && now - cached.at < EQUIPMENT_TTL_MS) return cached;
    const doors = new Map((await this.doors.drivenBy(agentId)).map((d) => [d.id, d]));
    const fresh: AgentEquipment = { at: now, doors, readers: await this.readers.readersOf(agentId) };
    this.equipment.set(agentId, fresh);
    return fresh;
  }

  private refusal(
    event: AgentEvent,
    doors: ReadonlyMap<string, AdmissionDoor>,
    readers: ReadonlyMap<string, { doorId: string; direction: string }>,
  ): string | null {
    if (event.kind === 'device') return null;
    if (!doors.has(event.doorId)) return `door ${event.doorId} is not driven by this agent`;
    if (event.kind === 'access' && readers.size > 0) {
      const reader = readers.get(event.readerId);
      if (!reader) return `reader ${event.readerId} is not one this agent reported`;
      if (reader.doorId !== event.doorId || reader.direction !== event.direction) {
        return `reader ${event.readerId} serves ${reader.doorId} (${reader.direction}), not ${event.doorId} (${event.direction})`;
      }
    }
    return null;
  }
}
