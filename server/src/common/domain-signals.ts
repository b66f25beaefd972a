/**
 * Facts one domain states and another acts on, in-process: reception and equipment say
 * "this visitor overstayed", the alerts module turns that into an alert, an incident or a
 * violation. Publishers never import the consumers, so each domain stays testable alone
 * and the contract lives here, typed, in one place.
 *
 * Delivery is synchronous and in order; a listener that throws is logged and does not
 * stop the others or the publisher (a broken alert rule must not fail a check-in).
 */
import { Injectable, Logger } from '@nestjs/common';
import type { EventView } from '@acs/shared/api/events';

export interface DomainSignals {
  /** Every agent event after it was stored for the first time (duplicates are not repeated). */
  'agent.event': EventView;
  /** An agent's MQTT session went away (last will) or came back. */
  'agent.presence': { agentId: string; online: boolean; at: number };
  /**
   * The broker refused an agent identity: wrong password, unknown agent, or a client id that
   * is not its own. `agentId` is null when the name given was not even a valid agent id.
   */
  'agent.refused': { agentId: string | null; clientId: string; reason: string; at: number };
  /**
   * Events of an agent that have not arrived: `open` while a hole outlives its grace period
   * (false once it filled); `givenUp` for ranges that can never arrive (a jump no outbox
   * replay explains, or too many events waiting above a hole).
   */
  'agent.events_missing': { agentId: string; missing: string; open: boolean; givenUp: boolean; at: number };
  /** An agent speaks a protocol older than this server serves (`protocol.ts`); its messages are refused. */
  'agent.outdated': { agentId: string; protocol: number; softwareVersion: string | null; at: number };
  /** An agent's clock compared with the server's (agent time minus server time) when it confirmed a set. */
  'agent.clock': { agentId: string; driftMs: number; at: number };
  /** A visitor still on site after the end of the visit window. */
  'visit.overstay': { visitId: string; visitorName: string; hostPersonId: string | null; windowEnd: number; at: number };
  /** A visit closed by the end-of-day sweep rather than by a guard. */
  'visit.forced_signout': { visitId: string; visitorName: string; reason: string; at: number };
  /** A watch-list match at registration, and what the supervisor decided. */
  'visit.watchlist_match': {
    visitId: string;
    visitorName: string;
    entryId: string;
    score: number;
    decision: 'pending' | 'allowed' | 'refused';
    at: number;
  };
  /** Items checked at sign-out differ from the items registered at check-in. */
  'visit.items_mismatch': { visitId: string; visitorName: string; missing: string[]; extra: string[]; at: number };
  /** A returnable gate pass whose item is past its expected return date. */
  'equipment.overdue': {
    passId: string;
    equipmentId: string;
    assetTag: string;
    expectedReturnAt: number;
    holderPersonId: string | null;
    at: number;
  };
  /** The checkpoint stopped an item (no pass, wrong pass, pass not approved...). */
  'equipment.stopped': { equipmentId: string | null; assetTag: string; reason: string; guardUserId: string | null; at: number };
  /** An inspection found a seal broken. docs/product-rules.md#seals: a broken seal is an incident. */
  'seal.broken': {
    sealId: string;
    sealNumber: string;
    equipmentId: string | null;
    zoneId: string | null;
    inspectedByUserId: string | null;
    note: string | null;
    at: number;
  };
  /** Storage media not in the register carried into an L2/L3 zone (a violation against the carrier). */
  'media.unregistered': {
    personId: string | null;
    visitId: string | null;
    zoneId: string;
    zoneLevel: number;
    description: string;
    recordedByUserId: string | null;
    at: number;
  };
}

export type DomainSignalName = keyof DomainSignals;
export type DomainSignalListener<K extends DomainSignalName> = (payload: DomainSignals[K]) => void;

@Injectable()
export class DomainSignalBus {
  private readonly logger = new Logger('DomainSignals');
  private readonly listeners = new Map<DomainSignalName, Set<DomainSignalListener<never>>>();

  on<K extends DomainSignalName>(name: K, listener: DomainSignalListener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends DomainSignalName>(name: K, payload: DomainSignals[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as DomainSignalListener<K>)(payload);
      } catch (err) {
        this.logger.error(`listener of ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
