/**
 * The cards of a permission set in a compact, columnar form that lives outside the JS heap:
 * every column is a typed array on a SharedArrayBuffer, the credential index is an
 * open-addressing hash table over UTF-8 bytes, and grant and escort lists are interned (a
 * site has few distinct ones) and kept as JSON text, parsed the first time a badge needs one.
 *
 * Why this shape (docs/benchmarks.md#targets): a table can be built in a worker thread and handed to the main
 * thread without copying or rebuilding anything (the badge path never waits for a
 * million-card compile), and a card costs about 110 bytes instead of the ~170 of a Map
 * entry with strings, so a million cardholders fit a Raspberry Pi's memory. A lookup is a
 * hash, a probe or two and a byte comparison; the CompiledCard a rule sees is assembled on
 * the way out (a few small objects per badge).
 */
import {
  CARD_STATUSES,
  CARD_TYPES,
  DEFAULT_CARD_TYPE_CEILINGS,
  type CardStatus,
  type CardType,
  type ZoneLevel,
} from '@acs/shared/access/model';
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

/**
 * Everything a card table holds, as typed arrays on SharedArrayBuffers (from
 * {@link SHARE_FROM_CARDS} cards): posting this object to or from a worker shares the memory
 * instead of copying it.
 */
export interface CardTableData {
  readonly count: number;
  /** Open addressing, length a power of two: row + 1, 0 for an empty slot. */
  readonly slots: Int32Array;
  /** UTF-8 bytes: per row the credential, the card id and person id when not packed, the holder. */
  readonly strings: Uint8Array;
  /** Four string starts per row, then the end of the last one. */
  readonly offsets: Uint32Array;
  /** 32 bytes per row: cardId and personId as 16-byte UUIDs when they are UUIDs (flags say). */
  readonly uuids: Uint8Array;
  readonly types: Uint8Array;
  readonly statuses: Uint8Array;
  /** The recorded ceiling exception, -1 for none. */
  readonly overrides: Int8Array;
  readonly flags: Uint8Array;
  /** NaN for null. */
  readonly validFrom: Float64Array;
  readonly validUntil: Float64Array;
  readonly grantRefs: Int32Array;
  /** -1: no named escorts. */
  readonly escortRefs: Int32Array;
  /** UTF-8 JSON of each interned grant list, then of each escort list. */
  readonly lists: Uint8Array;
  readonly grantListOffsets: Uint32Array;
  readonly escortListOffsets: Uint32Array;
}

const FLAG_LOCKDOWN = 1;
const FLAG_CARD_UUID = 2;
const FLAG_PERSON_UUID = 4;
const FLAG_NO_PERSON = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Credentials are at most 100 characters (the payload schema): 300 UTF-8 bytes. */
const MAX_CREDENTIAL_BYTES = 400;
const encoder = new TextEncoder();

/** Ids are UUIDs on a real site: 16 bytes instead of a 36-character string. */
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

/** FNV-1a over bytes: cheap, and good enough for credentials (slots are probed linearly). */
function hashBytes(bytes: Uint8Array, length: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Tables this small (a delta's cards, a test's set) are never worth sharing: plain memory is cheaper to allocate. */
const SHARE_FROM_CARDS = 1024;

function shared<T extends Uint8Array | Int8Array | Int32Array | Uint32Array | Float64Array>(
  Type: { new (buffer: SharedArrayBuffer | ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
  share: boolean,
): T {
  const bytes = Math.max(1, length) * Type.BYTES_PER_ELEMENT;
  return new Type(share ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

function utf8(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/** Read-only view of the cards: what the decision engine and the agent use. */
export class CardTable implements CardLookup {
  private readonly scratch = new Uint8Array(MAX_CREDENTIAL_BYTES);
  private readonly grantCache = new Map<
    number,
    { raw: readonly PermissionGrant[]; byZone: ReadonlyMap<string, readonly CompiledGrant[]> }
  >();
  private readonly escortCache = new Map<number, { list: readonly string[]; set: ReadonlySet<string> }>();

  private constructor(
    readonly data: CardTableData,
    private readonly ceilings: PermissionSet['cardTypeCeilings'],
    private readonly schedules: ReadonlyMap<string, CompiledSchedule>,
  ) {}

  /** A view of table data (built here or in a worker) under a set's ceilings and schedules: O(1). */
  static view(
    data: CardTableData,
    ceilings: PermissionSet['cardTypeCeilings'],
    schedules: ReadonlyMap<string, CompiledSchedule>,
  ): CardTable {
    return new CardTable(data, ceilings, schedules);
  }

  /** The same cards under another header (a structural change): O(1), grant lists recompile lazily. */
  withContext(ceilings: PermissionSet['cardTypeCeilings'], schedules: ReadonlyMap<string, CompiledSchedule>): CardTable {
    return new CardTable(this.data, ceilings, schedules);
  }

  get size(): number {
    return this.data.count;
  }

  has(credential: string): boolean {
    return this.rowOf(credential) >= 0;
  }

  *credentials(): IterableIterator<string> {
    const { strings, offsets } = this.data;
    for (let row = 0; row < this.data.count; row++) yield utf8(strings, offsets[row * 4]!, offsets[row * 4 + 1]!);
  }

  get(credential: string): CompiledCard | undefined {
    const row = this.rowOf(credential);
    if (row < 0) return undefined;
    const d = this.data;
    const { cardId, personId, holder } = this.ids(row);
    const override = d.overrides[row]!;
    const type = CARD_TYPES[d.types[row]!]!;
    const escorts = d.escortRefs[row]!;
    return {
      credential,
      cardId,
      personId,
      holder,
      type,
      status: CARD_STATUSES[d.statuses[row]!]!,
      validFrom: nullable(d.validFrom[row]!),
      validUntil: nullable(d.validUntil[row]!),

      ceiling: override >= 0 ? override : (this.ceilings[type] ?? DEFAULT_CARD_TYPE_CEILINGS[type]),
      grants: this.grantList(d.grantRefs[row]!).byZone,
      escortPersonIds: escorts < 0 ? null : this.escortList(escorts).set,
      lockdownAccess: (d.flags[row]! & FLAG_LOCKDOWN) !== 0,
    };
  }

  /** The card as the server sent it (field for field), e.g. to update the content hash. */
  payload(credential: string): PermissionCard | undefined {
    const row = this.rowOf(credential);
    return row < 0 ? undefined : this.payloadAt(row, credential);
  }

  /** Every card as the server sent it, in row order (folding an overlay, printing a set). */
  *payloads(): IterableIterator<PermissionCard> {
    const { strings, offsets } = this.data;
    for (let row = 0; row < this.data.count; row++) yield this.payloadAt(row, utf8(strings, offsets[row * 4]!, offsets[row * 4 + 1]!));
  }

  private payloadAt(row: number, credential: string): PermissionCard {
    const d = this.data;
    const { cardId, personId, holder } = this.ids(row);
    const override = d.overrides[row]!;
    const escorts = d.escortRefs[row]!;
    return {
      credential,
      cardId,
      personId,
      holder,
      type: CARD_TYPES[d.types[row]!]!,
      status: CARD_STATUSES[d.statuses[row]!]!,
      validFrom: nullable(d.validFrom[row]!),
      validUntil: nullable(d.validUntil[row]!),
      levelCeilingOverride: override < 0 ? null : override,
      grants: this.grantList(d.grantRefs[row]!).raw.map((g) => ({ ...g })),
      ...(escorts >= 0 ? { escortPersonIds: [...this.escortList(escorts).list] } : {}),
      ...((d.flags[row]! & FLAG_LOCKDOWN) !== 0 ? { lockdownAccess: true } : {}),
    };
  }

  private rowOf(credential: string): number {
    if (credential.length * 3 > MAX_CREDENTIAL_BYTES) return -1;
    const { written: length } = encoder.encodeInto(credential, this.scratch);
    return findRow(this.data.slots, this.data.strings, this.data.offsets, this.scratch, length);
  }

  private ids(row: number): { cardId: string; personId: string | null; holder: string } {
    const { strings, offsets, flags, uuids } = this.data;
    const at = row * 4;
    const f = flags[row]!;
    return {
      cardId: f & FLAG_CARD_UUID ? unpackUuid(uuids, row * 32) : utf8(strings, offsets[at + 1]!, offsets[at + 2]!),
      personId:
        f & FLAG_NO_PERSON
          ? null
          : f & FLAG_PERSON_UUID
            ? unpackUuid(uuids, row * 32 + 16)
            : utf8(strings, offsets[at + 2]!, offsets[at + 3]!),
      holder: utf8(strings, offsets[at + 3]!, offsets[at + 4]!),
    };
  }

  private grantList(ref: number): { raw: readonly PermissionGrant[]; byZone: ReadonlyMap<string, readonly CompiledGrant[]> } {
    let list = this.grantCache.get(ref);
    if (list) return list;
    const { lists, grantListOffsets } = this.data;
    const raw = JSON.parse(utf8(lists, grantListOffsets[ref]!, grantListOffsets[ref + 1]!)) as PermissionGrant[];
    const byZone = new Map<string, CompiledGrant[]>();
    for (const grant of raw) {
      const compiled: CompiledGrant = {
        zoneId: grant.zoneId,
        scheduleId: grant.scheduleId,
        schedule: grant.scheduleId === null ? null : this.schedules.get(grant.scheduleId),
        validUntil: grant.validUntil,
      };
      const forZone = byZone.get(grant.zoneId);
      if (forZone) forZone.push(compiled);
      else byZone.set(grant.zoneId, [compiled]);
    }
    list = { raw, byZone };
    this.grantCache.set(ref, list);
    return list;
  }

  private escortList(ref: number): { list: readonly string[]; set: ReadonlySet<string> } {
    let entry = this.escortCache.get(ref);
    if (entry) return entry;
    const { lists, escortListOffsets } = this.data;
    const list = JSON.parse(utf8(lists, escortListOffsets[ref]!, escortListOffsets[ref + 1]!)) as string[];
    entry = { list, set: new Set(list) };
    this.escortCache.set(ref, entry);
    return entry;
  }

  /** Builds a table of `capacity` cards; add them one by one (from a message, a store page or a worker). */
  static builder(
    capacity: number,
    ceilings: PermissionSet['cardTypeCeilings'],
    schedules: ReadonlyMap<string, CompiledSchedule>,
  ): CardTableBuilder {
    return new CardTableBuilder(capacity, ceilings, schedules);
  }
}

function findRow(slots: Int32Array, strings: Uint8Array, offsets: Uint32Array, key: Uint8Array, length: number): number {
  const mask = slots.length - 1;
  for (let slot = hashBytes(key, length) & mask; ; slot = (slot + 1) & mask) {
    const entry = slots[slot]!;
    if (entry === 0) return -1;
    const row = entry - 1;
    const start = offsets[row * 4]!;
    if (offsets[row * 4 + 1]! - start !== length) continue;
    let same = true;
    for (let i = 0; i < length; i++) {
      if (strings[start + i] !== key[i]) {
        same = false;
        break;
      }
    }
    if (same) return row;
  }
}

export class CardTableBuilder {
  private rows = 0;
  private readonly slots: Int32Array;
  private strings: Uint8Array;
  private readonly share: boolean;
  private stringLength = 0;
  private readonly offsets: Uint32Array;
  private readonly uuids: Uint8Array;
  private readonly types: Uint8Array;
  private readonly statuses: Uint8Array;
  private readonly overrides: Int8Array;
  private readonly flags: Uint8Array;
  private readonly validFrom: Float64Array;
  private readonly validUntil: Float64Array;
  private readonly grantRefs: Int32Array;
  private readonly escortRefs: Int32Array;
  private readonly grantKeys = new Map<string, number>();
  private readonly escortKeys = new Map<string, number>();
  private readonly grantTexts: string[] = [];
  private readonly escortTexts: string[] = [];
  private readonly scratch = new Uint8Array(MAX_CREDENTIAL_BYTES);

  constructor(
    private readonly capacity: number,
    private readonly ceilings: PermissionSet['cardTypeCeilings'],
    private readonly schedules: ReadonlyMap<string, CompiledSchedule>,
  ) {
    // Load factor at most 1/2: probes stay short.
    let slotCount = 16;
    while (slotCount < capacity * 2) slotCount *= 2;
    const share = (this.share = capacity >= SHARE_FROM_CARDS);
    this.strings = new Uint8Array(Math.min(1 << 20, Math.max(256, capacity * 48)));
    this.slots = shared(Int32Array, slotCount, share);
    this.offsets = shared(Uint32Array, capacity * 4 + 1, share);
    this.uuids = shared(Uint8Array, capacity * 32, share);
    this.types = shared(Uint8Array, capacity, share);
    this.statuses = shared(Uint8Array, capacity, share);
    this.overrides = shared(Int8Array, capacity, share);
    this.flags = shared(Uint8Array, capacity, share);
    this.validFrom = shared(Float64Array, capacity, share);
    this.validUntil = shared(Float64Array, capacity, share);
    this.grantRefs = shared(Int32Array, capacity, share);
    this.escortRefs = shared(Int32Array, capacity, share);
  }

  get count(): number {
    return this.rows;
  }

  add(card: PermissionCard): void {
    if (this.rows >= this.capacity) throw new RangeError(`more cards than the ${this.capacity} announced`);
    if (card.credential.length * 3 > MAX_CREDENTIAL_BYTES)
      throw new RangeError(`credential of ${card.credential.length} characters is too long`);
    const { written: keyLength } = encoder.encodeInto(card.credential, this.scratch);
    const row = this.rows;
    const mask = this.slots.length - 1;
    let slot = hashBytes(this.scratch, keyLength) & mask;
    for (; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const other = this.slots[slot]! - 1;
      const start = this.offsets[other * 4]!;
      if (this.offsets[other * 4 + 1]! - start !== keyLength) continue;
      let same = true;
      for (let i = 0; i < keyLength && same; i++) same = this.strings[start + i] === this.scratch[i];
      if (same) throw new DuplicateCredentialError(`credential ${card.credential} appears on two cards`);
    }
    this.rows++;
    this.slots[slot] = row + 1;

    let flags = card.lockdownAccess ? FLAG_LOCKDOWN : 0;
    let cardPart = card.cardId;
    let personPart = card.personId ?? '';
    if (UUID.test(card.cardId)) {
      packUuid(card.cardId, this.uuids, row * 32);
      flags |= FLAG_CARD_UUID;
      cardPart = '';
    }
    if (card.personId === null) flags |= FLAG_NO_PERSON;
    else if (UUID.test(card.personId)) {
      packUuid(card.personId, this.uuids, row * 32 + 16);
      flags |= FLAG_PERSON_UUID;
      personPart = '';
    }
    this.flags[row] = flags;
    const at = row * 4;
    this.offsets[at] = this.stringLength;
    this.ensure(keyLength);
    this.strings.set(this.scratch.subarray(0, keyLength), this.stringLength);
    this.stringLength += keyLength;
    this.offsets[at + 1] = this.stringLength;
    this.appendString(cardPart);
    this.offsets[at + 2] = this.stringLength;
    this.appendString(personPart);
    this.offsets[at + 3] = this.stringLength;
    this.appendString(card.holder);
    this.offsets[at + 4] = this.stringLength;

    const type = CARD_TYPES.indexOf(card.type);
    const status = CARD_STATUSES.indexOf(card.status);
    if (type < 0 || status < 0) throw new RangeError(`card ${card.credential} has an unknown type or status`);
    this.types[row] = type;
    this.statuses[row] = status;
    this.overrides[row] = card.levelCeilingOverride ?? -1;
    this.validFrom[row] = card.validFrom ?? Number.NaN;
    this.validUntil[row] = card.validUntil ?? Number.NaN;
    // A cheap key first: JSON for every card cost 40 % of building a million-card table.
    let grantKey = '';
    for (const g of card.grants) grantKey += `${g.zoneId}\u0000${g.scheduleId ?? '\u0001'}\u0000${g.validUntil ?? ''}\u0000`;
    this.grantRefs[row] = this.intern(this.grantKeys, this.grantTexts, grantKey, () =>
      JSON.stringify(card.grants.map((g) => ({ zoneId: g.zoneId, scheduleId: g.scheduleId, validUntil: g.validUntil }))),
    );
    const escorts = card.escortPersonIds;
    this.escortRefs[row] = escorts?.length
      ? this.intern(this.escortKeys, this.escortTexts, escorts.join('\u0000'), () => JSON.stringify(escorts))
      : -1;
  }

  build(): CardTable {
    return CardTable.view(this.buildData(), this.ceilings, this.schedules);
  }

  /** The table's data alone, to post to another thread. */
  buildData(): CardTableData {
    if (this.rows !== this.capacity) throw new RangeError(`${this.rows} cards added, ${this.capacity} announced`);
    const strings = shared(Uint8Array, this.stringLength, this.share);
    strings.set(this.strings.subarray(0, this.stringLength));
    const grantBytes = this.grantTexts.map((t) => encoder.encode(t));
    const escortBytes = this.escortTexts.map((t) => encoder.encode(t));
    const total = [...grantBytes, ...escortBytes].reduce((n, b) => n + b.length, 0);
    const lists = shared(Uint8Array, total, this.share);
    const grantListOffsets = shared(Uint32Array, grantBytes.length + 1, this.share);
    const escortListOffsets = shared(Uint32Array, escortBytes.length + 1, this.share);
    let at = 0;
    grantBytes.forEach((b, i) => {
      grantListOffsets[i] = at;
      lists.set(b, at);
      at += b.length;
    });
    grantListOffsets[grantBytes.length] = at;
    escortBytes.forEach((b, i) => {
      escortListOffsets[i] = at;
      lists.set(b, at);
      at += b.length;
    });
    escortListOffsets[escortBytes.length] = at;
    return {
      count: this.rows,
      slots: this.slots,
      strings,
      offsets: this.offsets,
      uuids: this.uuids,
      types: this.types,
      statuses: this.statuses,
      overrides: this.overrides,
      flags: this.flags,
      validFrom: this.validFrom,
      validUntil: this.validUntil,
      grantRefs: this.grantRefs,
      escortRefs: this.escortRefs,
      lists,
      grantListOffsets,
      escortListOffsets,
    };
  }

  private appendString(value: string): void {
    if (value.length === 0) return;
    this.ensure(value.length * 3);
    this.stringLength += encoder.encodeInto(value, this.strings.subarray(this.stringLength)).written;
  }

  private ensure(extra: number): void {
    if (this.stringLength + extra <= this.strings.length) return;
    let size = this.strings.length * 2;
    while (size < this.stringLength + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.strings.subarray(0, this.stringLength));
    this.strings = grown;
  }

  /** Interned lists: the table stores each distinct one once, as JSON. */
  private intern(keys: Map<string, number>, texts: string[], key: string, json: () => string): number {
    const known = keys.get(key);
    if (known !== undefined) return known;
    const id = texts.push(json()) - 1;
    keys.set(key, id);
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
