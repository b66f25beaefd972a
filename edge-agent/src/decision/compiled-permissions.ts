/**
 * A permission set compiled for O(1) decisions: cards in a Map by credential, each
 * card's grants in a Map by zone, schedules as weekly minute bitmaps, holidays as a Set
 * of local dates. The compiled form is immutable; a new set is compiled aside and
 * swapped in with one assignment.
 */
import type { CardType } from '@acs/shared/access/model';
import type { DoorRules, PermissionCard, PermissionDoor, PermissionSet, PermissionZone } from '@acs/shared/mqtt/payloads';
import { addCardHash, combineHash, headerCanonical, removeCardHash, sumCardHashes } from '@acs/shared/sync/permission-hash';
import { CardTable, DuplicateCredentialError, OverlayCards, type CardLookup, type CardTableData } from './card-table.js';
import { compileSchedule, type CompiledSchedule } from './schedule-bitmap.js';
import { SiteClock } from './site-clock.js';

import type { CompiledCard } from './card-table.js';
export type { CompiledCard, CompiledGrant } from './card-table.js';

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
  readonly cards: CardLookup;
  /** Everything but the cards, as the server sent it (deltas replace version and issue time). */
  readonly header: Omit<PermissionSet, 'cards'>;
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
 * sum of card hashes. A delta replaces a few cards in O(changed cards).
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

/**
 * Compiles a validated set. Throws `PermissionSetError` for a set that cannot be
 * enforced safely (unknown time zone, a door between unknown zones, one credential on
 * two cards); the caller then keeps the set it had.
 */
export function compilePermissionSet(
  set: PermissionSet,
  hashState: PermissionHashState = PermissionHashState.of(set),
): CompiledPermissions {
  const header = compileHeader(set);
  const builder = CardTable.builder(set.cards.length, set.cardTypeCeilings, header.schedules);
  addCards(builder, set.cards);
  return { ...header, hash: hashState.hash, hashState, cards: builder.build() };
}

/**
 * The set in force from a header and a card table built elsewhere (a worker thread): the
 * header is compiled here (a few zones, doors and schedules), the table is only viewed, so
 * this costs the same for ten cards or a million.
 */
export function compiledFromTable(
  set: Omit<PermissionSet, 'cards'>,
  data: CardTableData,
  hashState: PermissionHashState,
): CompiledPermissions {
  const header = compileHeader(set);
  return { ...header, hash: hashState.hash, hashState, cards: CardTable.view(data, set.cardTypeCeilings, header.schedules) };
}

/** The cards held under a new header (a structural change): the table is viewed again, changed cards recompiled. */
export function withHeader(
  held: CompiledPermissions,
  set: Omit<PermissionSet, 'cards'>,
  hashState: PermissionHashState,
): CompiledPermissions {
  const header = compileHeader(set);
  const cards = held.cards;
  let recontexted: CardLookup;
  if (cards instanceof CardTable) {
    recontexted = cards.withContext(set.cardTypeCeilings, header.schedules);
  } else if (cards instanceof OverlayCards) {
    const payloads = [...cards.changes.values()].flatMap((change) => (change ? [change.payload] : []));
    const builder = CardTable.builder(payloads.length, set.cardTypeCeilings, header.schedules);
    addCards(builder, payloads);
    const table = builder.build();
    const changes = new Map<string, { compiled: CompiledCard; payload: PermissionCard } | null>();
    for (const [credential, change] of cards.changes)
      changes.set(credential, change ? { compiled: table.get(credential)!, payload: change.payload } : null);
    recontexted = OverlayCards.over(cards.base.withContext(set.cardTypeCeilings, header.schedules), changes);
  } else {
    throw new TypeError('unknown card lookup');
  }
  return { ...header, hash: hashState.hash, hashState, cards: recontexted };
}

/** The header's checks alone (time zone, doors between known zones), for the worker. */
export function checkHeader(set: Omit<PermissionSet, 'cards'>): void {
  compileHeader(set);
}

export function addCards(builder: ReturnType<typeof CardTable.builder>, cards: readonly PermissionCard[]): void {
  try {
    for (const card of cards) builder.add(card);
  } catch (err) {
    if (err instanceof DuplicateCredentialError || err instanceof RangeError) throw new PermissionSetError(err.message);
    throw err;
  }
}

/**
 * The set after a delta: the header with the new version and issue time, the cards changed
 * over the old ones. Throws PermissionSetError for a card that cannot be compiled.
 */
export function applyCardDelta(
  held: CompiledPermissions,
  delta: { version: number; issuedAt: number; upserts: readonly PermissionCard[]; removals: readonly string[] },
  hashState: PermissionHashState,
): CompiledPermissions {
  const header = { ...held.header, version: delta.version, issuedAt: delta.issuedAt };
  const changes = new Map<string, { compiled: CompiledCard; payload: PermissionCard } | null>();
  for (const credential of delta.removals) changes.set(credential, null);
  // One small table for the delta's cards: a table per card cost ~45 µs each.
  const builder = CardTable.builder(delta.upserts.length, header.cardTypeCeilings, held.schedules);
  addCards(builder, delta.upserts);
  const table = builder.build();
  for (const card of delta.upserts) changes.set(card.credential, { compiled: table.get(card.credential)!, payload: card });
  // Past OVERLAY_LIMIT changes the holder folds the overlay into a fresh table in its worker.
  const cards: CardLookup = OverlayCards.over(held.cards, changes);
  return { ...held, version: delta.version, issuedAt: delta.issuedAt, header, hash: hashState.hash, hashState, cards };
}

function compileHeader(set: Omit<PermissionSet, 'cards'>): Omit<CompiledPermissions, 'cards' | 'hash' | 'hashState'> {
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
  const { cards: _cards, ...header } = set as PermissionSet;
  return {
    header,
    agentId: set.agentId,
    version: set.version,
    issuedAt: set.issuedAt,
    clock,
    holidays: new Set(set.site.holidays),
    zones,
    doors,
    schedules: new Map(set.schedules.map((s) => [s.id, compileSchedule(s)])),
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
    for (
      let z: PermissionZone | undefined = zone, depth = 0;
      z && depth < 32;
      z = z.parentId ? zones.get(z.parentId) : undefined, depth++
    ) {
      if (locked.has(z.id)) {
        result.add(zone.id);
        break;
      }
    }
  }
  for (const id of locked) result.add(id);
  return result;
}
