import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { CARD_TYPES, type CardType } from '@acs/shared/access/model';
import type { PermissionCard, PermissionGrant, PermissionSet } from '@acs/shared/mqtt/payloads';
import { cardHash, combineHash, headerCanonical } from '@acs/shared/sync/permission-hash';
import { CARDS_PER_BLOCK, encodeCards, gzipCards } from '@acs/shared/sync/permission-wire';
import { CardEntity, CLOSED_CARD_STATUSES } from '../cards/card.entity.js';
import { DoorEntity } from '../doors/door.entity.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { SITE_ROW_ID, SiteSettingsEntity } from '../site/site-settings.entity.js';
import { effectiveDoorRules } from '../site/door-rules.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { VisitEntity } from '../reception/visit.entity.js';
import { quotedTable } from '../database/raw-sql.js';

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
  /** A visitor card's escorts, from its visit (requirements §2). */
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
  if (!other || (isLive(card) && !isLive(other)) || (isLive(card) === isLive(other) && card.updatedAt > other.updatedAt)) chosen.set(card.credential, card);
}

/** `fn` over every item, {@link READ_PAGE} per turn of the event loop. */
async function sliced<T>(items: readonly T[], fn: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    fn(items[i]!);
    if (i % READ_PAGE === READ_PAGE - 1) await nextTurn();
  }
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

/** Cards compiled or rows mapped per turn of the event loop. */
const COMPILE_SLICE = 2_000;
/** Rows per query. */
const READ_PAGE = 5_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async currentVersion(): Promise<number> {
    return (await this.dataSource.manager.getRepository(SiteSettingsEntity).findOneOrFail({ select: { id: true, permissionVersion: true }, where: { id: SITE_ROW_ID } })).permissionVersion;
  }

  /**
   * Reads the version before the data: a change is committed before it raises the
   * version, so a set may hold more than its version promises but never less.
   */
  async loadSource(): Promise<PermissionSource> {
    const m = this.dataSource.manager;
    const site = await m.getRepository(SiteSettingsEntity).findOneByOrFail({ id: SITE_ROW_ID });
    // Cards, holders and grants are read as plain rows: hydrating 100,000s of entities costs
    // seconds, and a new agent's snapshot must be out in well under three (issue 4).
    const [zones, doors, schedules, cardRows, grants, escortsByCard] = await Promise.all([
      m.getRepository(ZoneEntity).find(),
      m.getRepository(DoorEntity).find({ where: { agentId: Not(IsNull()) } }),
      m.getRepository(ScheduleEntity).find(),
      this.rawCards(),
      this.rawGrants(),
      this.visitEscorts(),
    ]);
    // Every pass over 100,000 rows in slices, a turn of the event loop between them (issue 16).
    const chosen = new Map<string, CardEntity>();
    await sliced(cardRows, (card) => choose(chosen, card));
    const cards = [...chosen.values()];
    const holderIds = new Set<string>();
    await sliced(cards, (c) => {
      if (c.personId !== null) holderIds.add(c.personId);
    });
    const holders = await this.rawHolders(holderIds);
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
    const rows: Array<{ card_id: string; escort_person_ids: string }> = await this.dataSource.query(
      `SELECT card_id, escort_person_ids FROM ${quotedTable(this.dataSource, VisitEntity)} WHERE status = 'on_site' AND card_id IS NOT NULL`,
    );
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
    const m = this.dataSource.manager;
    const touched = [
      ...(cardIds.length ? await m.getRepository(CardEntity).find({ select: { credential: true }, where: { id: In([...cardIds]) } }) : []),
      ...(personIds.length ? await m.getRepository(CardEntity).find({ select: { credential: true }, where: { personId: In([...personIds]) } }) : []),
    ];
    const credentials = [...new Set(touched.map((c) => c.credential))];
    const result = new Map<string, CardSource | null>(credentials.map((c) => [c, null]));
    if (credentials.length === 0) return result;
    const rows = await m.getRepository(CardEntity).find({ where: { credential: In(credentials), status: Not(In(['returned', 'destroyed'])) } });
    const chosen = cardPerCredential(rows);
    const holderIds = [...new Set([...chosen.values()].map((c) => c.personId).filter((id): id is string => id !== null))];
    const holders = new Map((holderIds.length ? await m.getRepository(PersonEntity).find({ where: { id: In(holderIds) } }) : []).map((p) => [p.id, p]));
    const grants = holderIds.length ? await m.getRepository(GrantEntity).find({ where: { personId: In(holderIds), revokedAt: IsNull() } }) : [];
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
    for (const g of source.grants) if (entered.has(g.zoneId)) grants.push({ zoneId: g.zoneId, scheduleId: g.scheduleId, validUntil: g.validUntil });
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
   * Rows a page at a time, in key order, with a turn of the event loop between pages: with
   * better-sqlite3 a query runs on the event loop, and one query over 100,000 cards held it
   * for hundreds of milliseconds (issue 16: at most 50 ms at a time).
   */
  private async paged(columns: string, table: string, where: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    const parameter = this.dataSource.options.type === 'postgres' ? '$1' : '?';
    let after: string | null = null;
    for (;;) {
      const page: Array<Record<string, unknown>> = await this.dataSource.query(
        `SELECT ${columns} FROM ${table} WHERE ${where}${after === null ? '' : ` AND id > ${parameter}`} ORDER BY id LIMIT ${READ_PAGE}`,
        after === null ? [] : [after],
      );
      for (const row of page) rows.push(row);
      if (page.length < READ_PAGE) return rows;
      after = String(page[page.length - 1]!.id);
      await nextTurn();
    }
  }

  private async rawCards(): Promise<CardEntity[]> {
    const rows = await this.paged(
      'id, credential, type, status, person_id, valid_from, valid_until, level_ceiling_override, lockdown_access, updated_at',
      quotedTable(this.dataSource, CardEntity),
      "status NOT IN ('returned', 'destroyed')",
    );
    const cards = new Array<CardEntity>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      cards[i] = {
        id: r.id,
        credential: r.credential,
        type: r.type,
        status: r.status,
        personId: r.person_id ?? null,
        validFrom: epoch(r.valid_from),
        validUntil: epoch(r.valid_until),
        levelCeilingOverride: r.level_ceiling_override === null ? null : Number(r.level_ceiling_override),
        lockdownAccess: r.lockdown_access === true || r.lockdown_access === 1,
        updatedAt: epoch(r.updated_at)!,
      } as CardEntity;
      if (i % READ_PAGE === READ_PAGE - 1) await nextTurn();
    }
    return cards;
  }

  private async rawGrants(): Promise<GrantEntity[]> {
    const rows = await this.paged('id, person_id, zone_id, schedule_id, valid_until', quotedTable(this.dataSource, GrantEntity), 'revoked_at IS NULL');
    const grants: GrantEntity[] = [];
    await sliced(rows, (r) => grants.push({ personId: r.person_id, zoneId: r.zone_id, scheduleId: r.schedule_id ?? null, validUntil: epoch(r.valid_until) } as GrantEntity));
    return grants;
  }

  private async rawHolders(ids: ReadonlySet<string>): Promise<Map<string, PersonEntity>> {
    const holders = new Map<string, PersonEntity>();
    if (ids.size === 0) return holders;
    const rows = (await this.paged('id, name', quotedTable(this.dataSource, PersonEntity), '1 = 1')) as Array<{ id: string; name: string }>;
    await sliced(rows, (r) => {
      if (ids.has(r.id)) holders.set(r.id, { id: r.id, name: r.name } as PersonEntity);
    });
    return holders;
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
    if (!byGroup) this.cardCache.set(source, (byGroup = new Map()));
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
   * the cards (issue 16: a schedule edit must not cost a read and compile of every card).
   */
  async loadStructure(): Promise<PermissionStructureSource> {
    const m = this.dataSource.manager;
    const site = await m.getRepository(SiteSettingsEntity).findOneByOrFail({ id: SITE_ROW_ID });
    const [zones, doors, schedules] = await Promise.all([
      m.getRepository(ZoneEntity).find(),
      m.getRepository(DoorEntity).find({ where: { agentId: Not(IsNull()) } }),
      m.getRepository(ScheduleEntity).find(),
    ]);
    return { version: site.permissionVersion, site, zones: new Map(zones.map((z) => [z.id, z])), doorsByAgent: doorsByAgent(doors), schedules: new Map(schedules.map((s) => [s.id, s])) };
  }

  /** Everything of an agent's set but the cards, for cards whose grants use `scheduleIds`. */
  headerFor(source: PermissionStructureSource, agentId: string, issuedAt: number, scheduleIds: ReadonlySet<string>): { header: Omit<PermissionSet, 'cards'>; groupKey: string } {
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
        .map((z) => ({ id: z.id, name: z.name, level: z.level, parentId: z.parentId, antiPassback: z.antiPassback, ...(z.twoPerson ? { twoPerson: true } : {}) })),
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
  const zones = Object.keys(lockdown.zones).filter((id) => zoneIds.has(id)).sort();
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

/** bigint columns: numbers from SQLite, strings from PostgreSQL. */
function epoch(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** An agent's doors, the zones a holder can enter through them (`in` enters toZone, `out` fromZone) and those zones' outer zones. */
function enteredBy(source: PermissionStructureSource, agentId: string): { doors: DoorEntity[]; entered: Set<string>; zoneIds: Set<string>; groupKey: string } {
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
