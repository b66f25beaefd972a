import { Injectable } from '@nestjs/common';
import { CARD_TYPES, type CardType } from '@acs/shared/access/model';
import type { PermissionCard, PermissionGrant, PermissionSet } from '@acs/shared/mqtt/payloads';
import { cardHash, combineHash, headerCanonical } from '@acs/shared/sync/permission-hash';
import { CARDS_PER_BLOCK, encodeCards, gzipCards } from '@acs/shared/sync/permission-wire';
import type { CardEntity } from '../cards/card.entity.js';
import { CLOSED_CARD_STATUSES } from '../cards/card-statuses.js';
import { CardRepository } from '../cards/card.repository.js';
import { nextTurn, sliced } from '../database/paged-rows.js';
import type { DoorEntity } from '../doors/door.entity.js';
import { DoorRepository } from '../doors/door.repository.js';
import type { GrantEntity } from '../grants/grant.entity.js';
import { GrantRepository } from '../grants/grant.repository.js';
import type { PersonEntity } from '../people/person.entity.js';
import { PersonRepository } from '../people/person.repository.js';
import { VisitRepository } from '../reception/visit.repository.js';
import type { ScheduleEntity } from '../schedules/schedule.entity.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';
import type { SiteSettingsEntity } from '../site/site-settings.entity.js';
import { effectiveDoorRules } from '../site/door-rules.js';
import { SiteService } from '../site/site.service.js';
import type { ZoneEntity } from '../zones/zone.entity.js';
import { ZoneRepository } from '../zones/zone.repository.js';

/** What the header of every agent's set is compiled from. */
export interface PermissionStructureSource {
  version: number;
  site: SiteSettingsEntity;
  zones: Map<string, ZoneEntity>;
  doorsByAgent: Map<string, DoorEntity[]>;
  schedules: Map<string, ScheduleEntity>;
}

/** Everything a permission set is compiled from, read once and shared by every agent's set. */
export interface PermissionSource extends PermissionStructureSource {
  /** One card per credential: the live one, else the most recent. */
  cards: CardEntity[];
  holders: Map<string, PersonEntity>;
  grantsByPerson: Map<string, GrantEntity[]>;
  /** A visitor card's escorts, from its visit (docs/product-rules.md#escorts). */
  escortsByCard: Map<string, string[]>;
}

export interface CompiledSet {
  set: PermissionSet;
  hash: string;
  /** The additive hash of the cards (see permission-hash.ts): deltas update it card by card. */
  cardSum: bigint;
  /** Zones whose grants the agent's doors can use: agents with the same ones get the same cards. */
  entered: ReadonlySet<string>;
  /** The group's cards, shared by every agent with the same `entered` (key of the encoded-cards cache). */
  cards: CompiledCards;
}

/** A card row as a delta needs it: the card, its holder and their grants. */
export interface CardSource {
  card: CardEntity;
  holder: PersonEntity | undefined;
  grants: readonly GrantEntity[];
  escortPersonIds?: readonly string[] | undefined;
}

const isLive = (c: CardEntity) => !CLOSED_CARD_STATUSES.includes(c.status);

/** The card each credential names: the live one, else the most recently changed. */
function cardPerCredential(rows: readonly CardEntity[]): Map<string, CardEntity> {
  const chosen = new Map<string, CardEntity>();
  for (const card of rows) choose(chosen, card);
  return chosen;
}

function choose(chosen: Map<string, CardEntity>, card: CardEntity): void {
  const other = chosen.get(card.credential);
  if (!other || (isLive(card) && !isLive(other)) || (isLive(card) === isLive(other) && card.updatedAt > other.updatedAt))
    chosen.set(card.credential, card);
}

/**
 * Compiles each agent's permission set: its doors, the zones they join (and their outer
 * zones), the schedules its grants use, the site's time zone, holidays and card-type
 * ceilings, and every card the agent must be able to name. Returned and destroyed cards
 * are left out; suspended, lost and revoked ones stay so a door can say why it refuses.
 */
export interface CompiledCards {
  cards: PermissionCard[];
  scheduleIds: Set<string>;
  cardSum: bigint;
}

export interface EncodedCards {
  section: Uint8Array;
  compressed: boolean;
}

/** Cards compiled per turn of the event loop. */
const COMPILE_SLICE = 2_000;

/** Encodes a cards section in blocks, a turn of the event loop after each, and compresses it in the thread pool. */
async function encodeCardsSliced(cards: readonly PermissionCard[]): Promise<EncodedCards> {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < cards.length || blocks.length === 0; at += CARDS_PER_BLOCK) {
    blocks.push(encodeCards(cards.slice(at, at + CARDS_PER_BLOCK)));
    await nextTurn();
  }
  const section = blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
  const compressed = section.length >= 64 * 1024;
  return { section: compressed ? await gzipCards(section) : section, compressed };
}

@Injectable()
export class PermissionCompiler {
  /** Agents whose doors lead into the same zones get the same cards: compiled once per source. */
  private readonly cardCache = new WeakMap<PermissionSource, Map<string, Promise<CompiledCards>>>();
  private readonly encodedCache = new WeakMap<CompiledCards, Promise<EncodedCards>>();

  // The rows come from the domains that own them; the large reads (cards, grants, holders) are
  // paged plain-row queries those domains' repositories run, the same SQL as ever.
  constructor(
    private readonly site: SiteService,
    private readonly zones: ZoneRepository,
    private readonly doors: DoorRepository,
    private readonly schedules: ScheduleRepository,
    private readonly cardRows: CardRepository,
    private readonly grantRows: GrantRepository,
    private readonly people: PersonRepository,
    private readonly visits: VisitRepository,
  ) {}

  async currentVersion(): Promise<number> {
    return this.site.storedPermissionVersionOrFail();
  }

  /**
   * Reads the version before the data: a change is committed before it raises the
   * version, so a set may hold more than its version promises but never less.
   */
  async loadSource(): Promise<PermissionSource> {
    const site = await this.site.storedOrFail();
    // Cards, holders and grants are read as plain rows: hydrating 100,000s of entities costs
    // seconds, and a new agent's snapshot must be out in well under three (docs/benchmarks.md#targets).
    const [zones, doors, schedules, cardRows, grants, escortsByCard] = await Promise.all([
      this.zones.all(),
      this.doors.agentDriven(),
      this.schedules.all(),
      this.cardRows.rawInCirculation(),
      this.grantRows.rawLive(),
      this.visitEscorts(),
    ]);
    // Every pass over 100,000 rows in slices, a turn of the event loop between them.
    const chosen = new Map<string, CardEntity>();
    await sliced(cardRows, (card) => choose(chosen, card));
    const cards = [...chosen.values()];
    const holderIds = new Set<string>();
    await sliced(cards, (c) => {
      if (c.personId !== null) holderIds.add(c.personId);
    });
    const holders = await this.people.rawNamesOf(holderIds);
    const grantsByPerson = new Map<string, GrantEntity[]>();
    await sliced(grants, (grant) => {
      const list = grantsByPerson.get(grant.personId);
      if (list) list.push(grant);
      else grantsByPerson.set(grant.personId, [grant]);
    });
    return {
      version: site.permissionVersion,
      site,
      zones: new Map(zones.map((z) => [z.id, z])),
      doorsByAgent: doorsByAgent(doors),
      schedules: new Map(schedules.map((s) => [s.id, s])),
      cards,
      holders,
      grantsByPerson,
      escortsByCard,
    };
  }

  /** Escorts of the visits on site, by their card: few rows (visitors on site now). */
  private async visitEscorts(cardIds?: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.visits.escortsOnSite();
    const wanted = cardIds ? new Set(cardIds) : null;
    const result = new Map<string, string[]>();
    for (const r of rows) {
      if (wanted && !wanted.has(r.card_id)) continue;
      const escorts = JSON.parse(r.escort_person_ids || '[]') as string[];
      if (escorts.length) result.set(r.card_id, escorts);
    }
    return result;
  }

  /**
   * The cards behind a card-level change, now: for every credential the change touches, the
   * card that credential names (the live one, else the most recent), or null when the
   * credential is no longer in any set (returned, destroyed).
   */
  async loadAffected(cardIds: readonly string[], personIds: readonly string[]): Promise<Map<string, CardSource | null>> {
    const touched = [
      ...(cardIds.length ? await this.cardRows.credentialsOfCards(cardIds) : []),
      ...(personIds.length ? await this.cardRows.credentialsHeldBy(personIds) : []),
    ];
    const credentials = [...new Set(touched.map((c) => c.credential))];
    const result = new Map<string, CardSource | null>(credentials.map((c) => [c, null]));
    if (credentials.length === 0) return result;
    const rows = await this.cardRows.inCirculationWithCredentials(credentials);
    const chosen = cardPerCredential(rows);
    const holderIds = [...new Set([...chosen.values()].map((c) => c.personId).filter((id): id is string => id !== null))];
    const holders = new Map((holderIds.length ? await this.people.findByIds(holderIds) : []).map((p) => [p.id, p]));
    const grants = holderIds.length ? await this.grantRows.liveOfPeople(holderIds) : [];
    const escorts = await this.visitEscorts([...chosen.values()].map((c) => c.id));
    for (const [credential, card] of chosen) {
      result.set(credential, {
        card,
        holder: card.personId ? holders.get(card.personId) : undefined,
        grants: card.personId ? grants.filter((g) => g.personId === card.personId) : [],
        escortPersonIds: escorts.get(card.id),
      });
    }
    return result;
  }

  /** One card as an agent whose doors lead into `entered` receives it. */
  cardPayload(source: CardSource, entered: ReadonlySet<string>): PermissionCard {
    const { card, holder } = source;
    const grants: PermissionGrant[] = [];
    for (const g of source.grants)
      if (entered.has(g.zoneId)) grants.push({ zoneId: g.zoneId, scheduleId: g.scheduleId, validUntil: g.validUntil });
    if (grants.length > 1) grants.sort(byGrant);
    return {
      credential: card.credential,
      cardId: card.id,
      personId: card.personId,
      holder: holder?.name ?? '',
      type: card.type,
      status: card.status,
      validFrom: card.validFrom,
      validUntil: card.validUntil,
      levelCeilingOverride: card.levelCeilingOverride,
      grants,
      ...(card.lockdownAccess ? { lockdownAccess: true } : {}),
      ...(source.escortPersonIds?.length ? { escortPersonIds: [...source.escortPersonIds].sort() } : {}),
    };
  }

  /**
   * The set for one agent. The cards are compiled once per group of agents entering the same
   * zones and shared (1,000 agents asking at once cost one compilation per group), in slices
   * with a turn of the event loop between them so other agents' events and the dashboard keep
   * flowing; the rest (zones, doors, schedules) is a few objects per agent.
   */
  async compileFor(source: PermissionSource, agentId: string, issuedAt: number): Promise<CompiledSet> {
    const { entered, groupKey } = enteredBy(source, agentId);
    let byGroup = this.cardCache.get(source);
    if (!byGroup) this.cardCache.set(source, (byGroup = new Map<string, Promise<CompiledCards>>()));
    let pending = byGroup.get(groupKey);
    if (!pending) {
      pending = this.compileCards(source, entered);
      byGroup.set(groupKey, pending);
    }
    const compiledCards = await pending;
    const { cards, scheduleIds, cardSum } = compiledCards;
    const set: PermissionSet = { ...this.headerFor(source, agentId, issuedAt, scheduleIds).header, cards };
    return { set, hash: combineHash(headerCanonical(set), cardSum), cardSum, entered, cards: compiledCards };
  }

  /**
   * Zones, doors, schedules and site settings: what a structural change changes, read without
   * the cards (a schedule edit must not cost a read and compile of every card).
   */
  async loadStructure(): Promise<PermissionStructureSource> {
    const site = await this.site.storedOrFail();
    const [zones, doors, schedules] = await Promise.all([this.zones.all(), this.doors.agentDriven(), this.schedules.all()]);
    return {
      version: site.permissionVersion,
      site,
      zones: new Map(zones.map((z) => [z.id, z])),
      doorsByAgent: doorsByAgent(doors),
      schedules: new Map(schedules.map((s) => [s.id, s])),
    };
  }

  /** Everything of an agent's set but the cards, for cards whose grants use `scheduleIds`. */
  headerFor(
    source: PermissionStructureSource,
    agentId: string,
    issuedAt: number,
    scheduleIds: ReadonlySet<string>,
  ): { header: Omit<PermissionSet, 'cards'>; groupKey: string } {
    const { doors, zoneIds, groupKey } = enteredBy(source, agentId);
    const header: Omit<PermissionSet, 'cards'> = {
      agentId,
      version: source.version,
      issuedAt,
      site: { timeZone: source.site.timeZone, holidays: [...source.site.holidays].sort() },
      cardTypeCeilings: { ...source.site.cardTypeCeilings },
      zones: [...zoneIds]
        .map((id) => source.zones.get(id)!)
        .sort(byId)
        .map((z) => ({
          id: z.id,
          name: z.name,
          level: z.level,
          parentId: z.parentId,
          antiPassback: z.antiPassback,
          ...(z.twoPerson ? { twoPerson: true } : {}),
        })),
      doors: doors.map((d) => ({
        id: d.id,
        name: d.name,
        fromZoneId: d.fromZoneId,
        toZoneId: d.toZoneId,
        releaseMs: d.releaseMs,
        heldOpenMs: d.heldOpenMs,
      })),
      schedules: [...scheduleIds]
        .map((id) => source.schedules.get(id))
        .filter((s): s is ScheduleEntity => s !== undefined)
        .sort(byId)
        .map((s) => ({ id: s.id, name: s.name, windows: s.windows, holidays: s.holidays })),
      ...lockdownFor(source.site, zoneIds),
      rules: doorRulesFor(source.site),
    };
    return { header, groupKey };
  }

  private async compileCards(source: PermissionSource, entered: ReadonlySet<string>): Promise<CompiledCards> {
    const scheduleIds = new Set<string>();
    const cards = new Array<PermissionCard>(source.cards.length);
    let cardSum = 0n;
    for (let i = 0; i < source.cards.length; i++) {
      const card = source.cards[i]!;
      const payload = this.cardPayload(
        {
          card,
          holder: card.personId ? source.holders.get(card.personId) : undefined,
          grants: card.personId ? (source.grantsByPerson.get(card.personId) ?? []) : [],
          escortPersonIds: source.escortsByCard.get(card.id),
        },
        entered,
      );
      for (const g of payload.grants) if (g.scheduleId) scheduleIds.add(g.scheduleId);
      cards[i] = payload;
      cardSum += cardHash(payload);
      if (i % COMPILE_SLICE === COMPILE_SLICE - 1) await nextTurn();
    }
    // Unsorted: the content hash ignores order, and sorting 100,000 cards costs ~100 ms per snapshot.
    return { cards, scheduleIds, cardSum: cardSum % (1n << 128n) };
  }

  /**
   * The cards section of the binary set for a group, encoded and compressed once and shared
   * by every agent of the group (only the small head is encoded per agent).
   */
  encodedCards(compiled: CompiledCards): Promise<EncodedCards> {
    let encoded = this.encodedCache.get(compiled);
    if (!encoded) {
      encoded = encodeCardsSliced(compiled.cards);
      this.encodedCache.set(compiled, encoded);
    }
    return encoded;
  }

  async compile(agentId: string, issuedAt: number): Promise<CompiledSet> {
    return this.compileFor(await this.loadSource(), agentId, issuedAt);
  }
}

/** The lockdown parts that concern this agent's zones; nothing when none is in force. */
function lockdownFor(site: SiteSettingsEntity, zoneIds: ReadonlySet<string>): Pick<PermissionSet, 'lockdown'> {
  const lockdown = site.lockdown;
  if (!lockdown) return {};
  const zones = Object.keys(lockdown.zones)
    .filter((id) => zoneIds.has(id))
    .sort();
  if (!lockdown.site && zones.length === 0) return {};
  return { lockdown: { site: lockdown.site !== null, zoneIds: zones } };
}

export function doorRulesFor(site: SiteSettingsEntity): NonNullable<PermissionSet['rules']> {
  const settings = effectiveDoorRules(site);
  const offlineLimitsMs: Partial<Record<CardType, number>> = {};
  for (const type of CARD_TYPES) {
    const hours = settings.offlineLimitHours[type];
    if (hours !== null && hours !== undefined) offlineLimitsMs[type] = hours * 3_600_000;
  }
  return { escortWindowMs: settings.escortWindowSec * 1000, twoPersonWindowMs: settings.twoPersonWindowSec * 1000, offlineLimitsMs };
}

/** An agent's doors, the zones a holder can enter through them (`in` enters toZone, `out` fromZone) and those zones' outer zones. */
function enteredBy(
  source: PermissionStructureSource,
  agentId: string,
): { doors: DoorEntity[]; entered: Set<string>; zoneIds: Set<string>; groupKey: string } {
  const doors = [...(source.doorsByAgent.get(agentId) ?? [])].sort(byId);
  const entered = new Set(doors.flatMap((d) => [d.fromZoneId, d.toZoneId]));
  const zoneIds = new Set<string>();
  for (const id of entered) {
    for (let z = source.zones.get(id); z && !zoneIds.has(z.id); z = z.parentId ? source.zones.get(z.parentId) : undefined) {
      zoneIds.add(z.id);
    }
  }
  return { doors, entered, zoneIds, groupKey: [...entered].sort().join('|') };
}

function doorsByAgent(doors: readonly DoorEntity[]): Map<string, DoorEntity[]> {
  const byAgent = new Map<string, DoorEntity[]>();
  for (const door of doors) {
    const list = byAgent.get(door.agentId!) ?? [];
    list.push(door);
    byAgent.set(door.agentId!, list);
  }
  return byAgent;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function byGrant(a: PermissionGrant, b: PermissionGrant): number {
  const ka = `${a.zoneId}\u0000${a.scheduleId ?? ''}\u0000${a.validUntil ?? ''}`;
  const kb = `${b.zoneId}\u0000${b.scheduleId ?? ''}\u0000${b.validUntil ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
