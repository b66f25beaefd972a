/**
 * A permission set compiled for O(1) decisions: cards in a Map by credential, each
 * card's grants in a Map by zone, schedules as weekly minute bitmaps, holidays as a Set
 * of local dates. The compiled form is immutable; a new set is compiled aside and
 * swapped in with one assignment.
 */
import { DEFAULT_CARD_TYPE_CEILINGS, type CardStatus, type CardType, type ZoneLevel } from '@acs/shared/access/model';
import type { DoorRules, PermissionCard, PermissionDoor, PermissionSet, PermissionZone } from '@acs/shared/mqtt/payloads';
import { addCardHash, combineHash, headerCanonical, removeCardHash, sumCardHashes } from '@acs/shared/sync/permission-hash';
import { compileSchedule, type CompiledSchedule } from './schedule-bitmap.js';
import { SiteClock } from './site-clock.js';

export interface CompiledGrant {
  readonly zoneId: string;
  readonly scheduleId: string | null;
  /** Undefined when the grant names a schedule the set does not contain (it then never matches). */
  readonly schedule: CompiledSchedule | null | undefined;
  readonly validUntil: number | null;
}

export interface CompiledCard {
  readonly credential: string;
  readonly cardId: string;
  readonly personId: string | null;
  readonly holder: string;
  readonly type: CardType;
  readonly status: CardStatus;
  readonly validFrom: number | null;
  readonly validUntil: number | null;
  /** Highest zone level this card may open: its recorded exception, else its type's ceiling. */
  readonly ceiling: ZoneLevel;
  /** Usually one grant per zone; a set may carry several (different schedules). */
  readonly grants: ReadonlyMap<string, readonly CompiledGrant[]>;
  /** A visitor's named escorts; null: any employee authorised for the zone may escort. */
  readonly escortPersonIds: ReadonlySet<string> | null;
  /** Opens (within its grants) while its doors are locked down. */
  readonly lockdownAccess: boolean;
}

/** The rule tunables with the agent's defaults filled in. */
export interface CompiledDoorRules {
  readonly escortWindowMs: number;
  readonly twoPersonWindowMs: number;
  readonly offlineLimitsMs: Readonly<Partial<Record<CardType, number>>>;
}

export const DEFAULT_DOOR_RULES: CompiledDoorRules = {
  escortWindowMs: 30_000,
  twoPersonWindowMs: 15_000,
  offlineLimitsMs: {},
};

export function compileDoorRules(rules: DoorRules | undefined): CompiledDoorRules {
  return {
    escortWindowMs: rules?.escortWindowMs ?? DEFAULT_DOOR_RULES.escortWindowMs,
    twoPersonWindowMs: rules?.twoPersonWindowMs ?? DEFAULT_DOOR_RULES.twoPersonWindowMs,
    offlineLimitsMs: { ...(rules?.offlineLimitsMs ?? {}) },
  };
}

export interface CompiledPermissions {
  readonly agentId: string;
  readonly version: number;
  readonly hash: string;
  readonly issuedAt: number;
  readonly clock: SiteClock;
  readonly holidays: ReadonlySet<string>;
  readonly zones: ReadonlyMap<string, PermissionZone>;
  readonly doors: ReadonlyMap<string, PermissionDoor>;
  readonly schedules: ReadonlyMap<string, CompiledSchedule>;
  readonly cards: ReadonlyMap<string, CompiledCard>;
  readonly hashState: PermissionHashState;
  /** Zones under lockdown; `site` locks down every door. */
  readonly lockdown: { readonly site: boolean; readonly zoneIds: ReadonlySet<string> };
  readonly rules: CompiledDoorRules;
}

export class PermissionSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionSetError';
  }
}

/**
 * The permission hash kept incrementally: the header's canonical text and the additive
 * sum of card hashes. A delta (issue 3) replaces a few cards in O(changed cards).
 */
export class PermissionHashState {
  constructor(
    readonly header: string,
    readonly cardSum: bigint,
  ) {}

  static of(set: PermissionSet): PermissionHashState {
    return new PermissionHashState(headerCanonical(set), sumCardHashes(set.cards));
  }

  get hash(): string {
    return combineHash(this.header, this.cardSum);
  }

  /** The state after replacing `before` by `after` (either may be null: add or remove). */
  withCard(before: PermissionCard | null, after: PermissionCard | null): PermissionHashState {
    let sum = this.cardSum;
    if (before) sum = removeCardHash(sum, before);
    if (after) sum = addCardHash(sum, after);
    return new PermissionHashState(this.header, sum);
  }

  withHeader(set: Omit<PermissionSet, 'cards'>): PermissionHashState {
    return new PermissionHashState(headerCanonical(set), this.cardSum);
  }
}

function compileCard(
  card: PermissionCard,
  ceilings: PermissionSet['cardTypeCeilings'],
  schedules: ReadonlyMap<string, CompiledSchedule>,
): CompiledCard {
  const grants = new Map<string, CompiledGrant[]>();
  for (const grant of card.grants) {
    const compiled: CompiledGrant = {
      zoneId: grant.zoneId,
      scheduleId: grant.scheduleId,
      schedule: grant.scheduleId === null ? null : schedules.get(grant.scheduleId),
      validUntil: grant.validUntil,
    };
    const list = grants.get(grant.zoneId);
    if (list) list.push(compiled);
    else grants.set(grant.zoneId, [compiled]);
  }
  return {
    credential: card.credential,
    cardId: card.cardId,
    personId: card.personId,
    holder: card.holder,
    type: card.type,
    status: card.status,
    validFrom: card.validFrom,
    validUntil: card.validUntil,
    ceiling: card.levelCeilingOverride ?? ceilings[card.type] ?? DEFAULT_CARD_TYPE_CEILINGS[card.type],
    grants,
    escortPersonIds: card.escortPersonIds?.length ? new Set(card.escortPersonIds) : null,
    lockdownAccess: card.lockdownAccess === true,
  };
}

/**
 * Compiles a validated set. Throws `PermissionSetError` for a set that cannot be
 * enforced safely (unknown time zone, a door between unknown zones, one credential on
 * two cards); the caller then keeps the set it had.
 */
export function compilePermissionSet(set: PermissionSet, hashState: PermissionHashState = PermissionHashState.of(set)): CompiledPermissions {
  let clock: SiteClock;
  try {
    clock = new SiteClock(set.site.timeZone);
  } catch {
    throw new PermissionSetError(`unknown time zone '${set.site.timeZone}'`);
  }
  const zones = new Map(set.zones.map((z) => [z.id, z]));
  const doors = new Map<string, PermissionDoor>();
  for (const door of set.doors) {
    for (const zoneId of [door.fromZoneId, door.toZoneId]) {
      if (!zones.has(zoneId)) throw new PermissionSetError(`door ${door.id} joins unknown zone '${zoneId}'`);
    }
    doors.set(door.id, door);
  }
  const schedules = new Map(set.schedules.map((s) => [s.id, compileSchedule(s)]));
  const cards = new Map<string, CompiledCard>();
  for (const card of set.cards) {
    if (cards.has(card.credential)) throw new PermissionSetError(`credential ${card.credential} appears on two cards`);
    cards.set(card.credential, compileCard(card, set.cardTypeCeilings, schedules));
  }
  return {
    agentId: set.agentId,
    version: set.version,
    hash: hashState.hash,
    issuedAt: set.issuedAt,
    clock,
    holidays: new Set(set.site.holidays),
    zones,
    doors,
    schedules,
    cards,
    hashState,
    lockdown: { site: set.lockdown?.site ?? false, zoneIds: lockedDownZones(zones, set.lockdown?.zoneIds ?? []) },
    rules: compileDoorRules(set.rules),
  };
}

/** A zone under lockdown locks down the zones nested in it too. */
function lockedDownZones(zones: ReadonlyMap<string, PermissionZone>, lockedIds: readonly string[]): Set<string> {
  const locked = new Set(lockedIds);
  if (locked.size === 0) return locked;
  const result = new Set<string>();
  for (const zone of zones.values()) {
    for (let z: PermissionZone | undefined = zone, depth = 0; z && depth < 32; z = z.parentId ? zones.get(z.parentId) : undefined, depth++) {
      if (locked.has(z.id)) {
        result.add(zone.id);
        break;
      }
    }
  }
  for (const id of locked) result.add(id);
  return result;
}
