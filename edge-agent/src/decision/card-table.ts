/**
 * The cards of a permission set in a compact, columnar form: a Map from credential to a row
 * number, and per row a few typed-array cells and one string. Grant lists and escort lists are
 * interned (a site has few distinct ones: most people share their department's grants), so a
 * card costs about 170 bytes instead of the ~600 of an object graph, and a million cardholders
 * fit a Raspberry Pi's memory (issue 3: under 300 MB). A lookup is still one Map read; the
 * CompiledCard a rule sees is assembled on the way out (a few small objects per badge).
 */
import { CARD_STATUSES, CARD_TYPES, DEFAULT_CARD_TYPE_CEILINGS, type CardStatus, type CardType, type ZoneLevel } from '@acs/shared/access/model';
import type { PermissionCard, PermissionGrant, PermissionSet } from '@acs/shared/mqtt/payloads';
import type { CompiledSchedule } from './schedule-bitmap.js';

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

export class DuplicateCredentialError extends Error {}

interface GrantList {
  raw: readonly PermissionGrant[];
  byZone: ReadonlyMap<string, readonly CompiledGrant[]>;
}

const SEP = '\u0000';
const NO_PERSON = '\u0001';
const FLAG_LOCKDOWN = 1;
const FLAG_CARD_UUID = 2;
const FLAG_PERSON_UUID = 4;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Ids are UUIDs on a real site: 16 bytes instead of a 36-character string (~56 bytes on the heap). */
function packUuid(id: string, into: Uint8Array, at: number): void {
  // Character arithmetic: 16 parseInt calls per id cost a tenth of a second per 100,000 cards.
  let out = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    into[out++] = (hexValue(id.charCodeAt(i)) << 4) | hexValue(id.charCodeAt(i + 1));
  }
}

function hexValue(code: number): number {
  return code <= 57 ? code - 48 : code - 87; // '0'-'9', 'a'-'f' (the UUID test allows nothing else)
}

function unpackUuid(from: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[from[at + i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

interface CardColumns {
  index: Map<string, number>;
  /** The parts of cardId, personId and holder not packed into `uuids`, joined by SEP. */
  info: string[];
  /** 32 bytes per row: cardId and personId as 16-byte UUIDs when they are UUIDs (flags say). */
  uuids: Uint8Array;
  types: Uint8Array;
  statuses: Uint8Array;
  ceilings: Uint8Array;
  overrides: Int8Array;
  flags: Uint8Array;
  validFrom: Float64Array;
  validUntil: Float64Array;
  grantRefs: Int32Array;
  escortRefs: Int32Array;
  grantLists: readonly GrantList[];
  escortLists: readonly (readonly string[])[];
  escortSets: readonly ReadonlySet<string>[];
}

/** Read-only view of the cards: what the decision engine and the agent use. */
export class CardTable implements CardLookup {
  /** Use {@link CardTable.builder}. */
  constructor(private readonly c: CardColumns) {}

  get size(): number {
    return this.c.index.size;
  }

  has(credential: string): boolean {
    return this.c.index.has(credential);
  }

  credentials(): IterableIterator<string> {
    return this.c.index.keys();
  }

  get(credential: string): CompiledCard | undefined {
    const row = this.c.index.get(credential);
    if (row === undefined) return undefined;
    const { cardId, personId, holder } = this.ids(row);
    const escorts = this.c.escortRefs[row]!;
    return {
      credential,
      cardId,
      personId,
      holder,
      type: CARD_TYPES[this.c.types[row]!]!,
      status: CARD_STATUSES[this.c.statuses[row]!]!,
      validFrom: nullable(this.c.validFrom[row]!),
      validUntil: nullable(this.c.validUntil[row]!),
      ceiling: this.c.ceilings[row]!,
      grants: this.c.grantLists[this.c.grantRefs[row]!]!.byZone,
      escortPersonIds: escorts < 0 ? null : this.c.escortSets[escorts]!,
      lockdownAccess: (this.c.flags[row]! & FLAG_LOCKDOWN) !== 0,
    };
  }

  private ids(row: number): { cardId: string; personId: string | null; holder: string } {
    const [card, person, holder] = this.c.info[row]!.split(SEP) as [string, string, string];
    const flags = this.c.flags[row]!;
    return {
      cardId: flags & FLAG_CARD_UUID ? unpackUuid(this.c.uuids, row * 32) : card,
      personId: flags & FLAG_PERSON_UUID ? unpackUuid(this.c.uuids, row * 32 + 16) : person === NO_PERSON ? null : person,
      holder,
    };
  }

  /** The card as the server sent it (field for field), e.g. to update the content hash. */
  payload(credential: string): PermissionCard | undefined {
    const row = this.c.index.get(credential);
    if (row === undefined) return undefined;
    const { cardId, personId, holder } = this.ids(row);
    const override = this.c.overrides[row]!;
    const escorts = this.c.escortRefs[row]!;
    return {
      credential,
      cardId,
      personId,
      holder,
      type: CARD_TYPES[this.c.types[row]!]!,
      status: CARD_STATUSES[this.c.statuses[row]!]!,
      validFrom: nullable(this.c.validFrom[row]!),
      validUntil: nullable(this.c.validUntil[row]!),
      levelCeilingOverride: override < 0 ? null : override,
      grants: this.c.grantLists[this.c.grantRefs[row]!]!.raw.map((g) => ({ ...g })),
      ...(escorts >= 0 ? { escortPersonIds: [...this.c.escortLists[escorts]!] } : {}),
      ...((this.c.flags[row]! & FLAG_LOCKDOWN) !== 0 ? { lockdownAccess: true } : {}),
    };
  }

  /** Builds a table of `capacity` cards; add them one by one (streamed from the store or from a message). */
  static builder(capacity: number, ceilings: PermissionSet['cardTypeCeilings'], schedules: ReadonlyMap<string, CompiledSchedule>): CardTableBuilder {
    return new CardTableBuilder(capacity, ceilings, schedules);
  }
}

export class CardTableBuilder {
  private readonly index = new Map<string, number>();
  private readonly info: string[];
  private readonly uuids: Uint8Array;
  private readonly types: Uint8Array;
  private readonly statuses: Uint8Array;
  private readonly ceilingCells: Uint8Array;
  private readonly overrides: Int8Array;
  private readonly flags: Uint8Array;
  private readonly validFrom: Float64Array;
  private readonly validUntil: Float64Array;
  private readonly grantRefs: Int32Array;
  private readonly escortRefs: Int32Array;
  private readonly grantLists: GrantList[] = [];
  private readonly grantKeys = new Map<string, number>();
  private readonly escortLists: string[][] = [];
  private readonly escortSets: Set<string>[] = [];
  private readonly escortKeys = new Map<string, number>();
  private rows = 0;

  constructor(
    private readonly capacity: number,
    private readonly ceilings: PermissionSet['cardTypeCeilings'],
    private readonly schedules: ReadonlyMap<string, CompiledSchedule>,
  ) {
    this.info = new Array<string>(capacity);
    this.uuids = new Uint8Array(capacity * 32);
    this.types = new Uint8Array(capacity);
    this.statuses = new Uint8Array(capacity);
    this.ceilingCells = new Uint8Array(capacity);
    this.overrides = new Int8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.validFrom = new Float64Array(capacity);
    this.validUntil = new Float64Array(capacity);
    this.grantRefs = new Int32Array(capacity);
    this.escortRefs = new Int32Array(capacity);
  }

  add(card: PermissionCard): void {
    if (this.index.has(card.credential)) throw new DuplicateCredentialError(`credential ${card.credential} appears on two cards`);
    if (this.rows >= this.capacity) throw new RangeError(`more cards than the ${this.capacity} announced`);
    const row = this.rows++;
    this.index.set(card.credential, row);
    let flags = card.lockdownAccess ? FLAG_LOCKDOWN : 0;
    let cardPart = card.cardId;
    let personPart = card.personId ?? NO_PERSON;
    if (UUID.test(card.cardId)) {
      packUuid(card.cardId, this.uuids, row * 32);
      flags |= FLAG_CARD_UUID;
      cardPart = '';
    }
    if (card.personId !== null && UUID.test(card.personId)) {
      packUuid(card.personId, this.uuids, row * 32 + 16);
      flags |= FLAG_PERSON_UUID;
      personPart = '';
    }
    this.flags[row] = flags;
    // join() builds one flat string; a template literal would keep a rope of the three parts.
    this.info[row] = [cardPart, personPart, card.holder].join(SEP);
    this.types[row] = CARD_TYPES.indexOf(card.type);
    this.statuses[row] = CARD_STATUSES.indexOf(card.status);
    this.ceilingCells[row] = card.levelCeilingOverride ?? this.ceilings[card.type] ?? DEFAULT_CARD_TYPE_CEILINGS[card.type];
    this.overrides[row] = card.levelCeilingOverride ?? -1;
    this.validFrom[row] = card.validFrom ?? Number.NaN;
    this.validUntil[row] = card.validUntil ?? Number.NaN;
    this.grantRefs[row] = this.internGrants(card.grants);
    this.escortRefs[row] = card.escortPersonIds?.length ? this.internEscorts(card.escortPersonIds) : -1;
  }

  build(): CardTable {
    if (this.rows !== this.capacity) throw new RangeError(`${this.rows} cards added, ${this.capacity} announced`);
    return new CardTable({
      index: this.index,
      info: this.info,
      uuids: this.uuids,
      types: this.types,
      statuses: this.statuses,
      ceilings: this.ceilingCells,
      overrides: this.overrides,
      flags: this.flags,
      validFrom: this.validFrom,
      validUntil: this.validUntil,
      grantRefs: this.grantRefs,
      escortRefs: this.escortRefs,
      grantLists: this.grantLists,
      escortLists: this.escortLists,
      escortSets: this.escortSets,
    });
  }

  private internGrants(grants: readonly PermissionGrant[]): number {
    let key = '';
    for (const g of grants) key += `${g.zoneId}${SEP}${g.scheduleId ?? NO_PERSON}${SEP}${g.validUntil ?? ''}${SEP}`;
    const known = this.grantKeys.get(key);
    if (known !== undefined) return known;
    const byZone = new Map<string, CompiledGrant[]>();
    for (const grant of grants) {
      const compiled: CompiledGrant = {
        zoneId: grant.zoneId,
        scheduleId: grant.scheduleId,
        schedule: grant.scheduleId === null ? null : this.schedules.get(grant.scheduleId),
        validUntil: grant.validUntil,
      };
      const list = byZone.get(grant.zoneId);
      if (list) list.push(compiled);
      else byZone.set(grant.zoneId, [compiled]);
    }
    const id = this.grantLists.length;
    this.grantLists.push({ raw: grants.map((g) => ({ zoneId: g.zoneId, scheduleId: g.scheduleId, validUntil: g.validUntil })), byZone });
    this.grantKeys.set(key, id);
    return id;
  }

  private internEscorts(ids: readonly string[]): number {
    const key = ids.join(SEP);
    const known = this.escortKeys.get(key);
    if (known !== undefined) return known;
    const id = this.escortLists.length;
    this.escortLists.push([...ids]);
    this.escortSets.push(new Set(ids));
    this.escortKeys.set(key, id);
    return id;
  }
}

function nullable(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** What the decision engine and the delta path need of a set's cards. */
export interface CardLookup {
  readonly size: number;
  has(credential: string): boolean;
  get(credential: string): CompiledCard | undefined;
  payload(credential: string): PermissionCard | undefined;
  credentials(): IterableIterator<string>;
}

type CardChange = { compiled: CompiledCard; payload: PermissionCard } | null;

/**
 * A compact table with the cards a few deltas changed laid over it: a delta costs O(changed
 * cards), not a rebuild of a million rows. Overlays do not stack: a delta on an overlay merges
 * into one map over the same table; past {@link OVERLAY_LIMIT} changes the caller rebuilds.
 */
export class OverlayCards implements CardLookup {
  readonly size: number;

  private constructor(
    readonly base: CardTable,
    readonly changes: ReadonlyMap<string, CardChange>,
  ) {
    let size = base.size;
    for (const [credential, change] of changes) {
      const inBase = base.has(credential);
      if (change === null && inBase) size--;
      else if (change !== null && !inBase) size++;
    }
    this.size = size;
  }

  static over(cards: CardLookup, changes: ReadonlyMap<string, CardChange>): OverlayCards {
    if (cards instanceof OverlayCards) return new OverlayCards(cards.base, new Map([...cards.changes, ...changes]));
    if (cards instanceof CardTable) return new OverlayCards(cards, changes);
    throw new TypeError('unknown card lookup');
  }

  has(credential: string): boolean {
    const change = this.changes.get(credential);
    return change === undefined ? this.base.has(credential) : change !== null;
  }

  get(credential: string): CompiledCard | undefined {
    const change = this.changes.get(credential);
    return change === undefined ? this.base.get(credential) : (change?.compiled ?? undefined);
  }

  payload(credential: string): PermissionCard | undefined {
    const change = this.changes.get(credential);
    return change === undefined ? this.base.payload(credential) : (change?.payload ?? undefined);
  }

  *credentials(): IterableIterator<string> {
    for (const credential of this.base.credentials()) if (!this.changes.has(credential)) yield credential;
    for (const [credential, change] of this.changes) if (change !== null) yield credential;
  }
}

/** Changes an overlay carries before the agent folds them into a fresh table. */
export const OVERLAY_LIMIT = 5_000;
