/**
 * The binary wire format of permission sets, spoken by agents that say so in their
 * sync request (`accepts: ['acsp/1']`); others get the JSON snapshot they always got.
 *
 * A snapshot is one **document**:
 *
 *   bytes 0-3  `ACSP`          magic: never the start of JSON or gzip
 *   byte  4    schema version  {@link WIRE_SCHEMA_VERSION}; an agent refuses a newer one by name
 *   byte  5    `D`             frame type: document
 *   byte  6    cards encoding  0 plain, 1 gzip
 *   byte  7    0               reserved
 *   bytes 8-11 head length     u32, big-endian
 *   head       MessagePack     `{ kind: 'snapshot', hash, header }` (everything but the cards)
 *   cards      MessagePack     blocks of columns (below), back to back, gzip-compressed when byte 6 says so
 *
 * Cards travel as columns: one array (or byte string) per field, UUIDs as 16 bytes, grant and
 * escort lists interned (a site has few distinct ones) and referenced by index. The header and
 * the cards section are separate so the server can encode and compress the cards once per
 * group of agents with the same zones and only the small head per agent.
 *
 * A document goes over MQTT in **parts** of at most {@link PART_DATA_BYTES}: `ACSP`, the
 * version, `P`, two reserved bytes, then u32 transfer id, u32 index and u32 count, then the
 * data. Small MQTT packets keep every hop (broker, the agent's MQTT client) from copying or
 * holding tens of megabytes at once; the agent joins the parts and decodes the document in
 * its worker thread. Decoding checks every field as strictly as the JSON schema does and
 * names what is wrong.
 */
import { gunzipSync } from 'node:zlib';
import { Packr, Unpackr } from 'msgpackr';
import { z } from 'zod';
import { CARD_STATUSES, CARD_TYPES } from '../access/model.js';
import { compressLarge } from '../mqtt/compression.js';
import {
  encodePayload,
  permissionGrantSchema,
  permissionSetSchema,
  type PermissionCard,
  type PermissionGrant,
  type PermissionSet,
  type PermissionSnapshot,
} from '../mqtt/payloads.js';

/** What an agent names in `accepts` to receive this format. */
export const WIRE_FORMAT = 'acsp/1';
export const WIRE_SCHEMA_VERSION = 1;
const MAGIC = [0x41, 0x43, 0x53, 0x50];
const DOCUMENT = 0x44;
const PART = 0x50;
const DOCUMENT_PREFIX = 12;
const PART_PREFIX = 20;
/** Data bytes per MQTT message. */
export const PART_DATA_BYTES = 512 * 1024;
/** The largest document an agent accepts, joined or decompressed (a million cardholders are ~60 MB). */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
export const MAX_CARDS = 4_000_000;
/**
 * Cards per column block: the cards section is one or more blocks back to back, so the
 * server can encode a large set a block per turn of its event loop.
 */
export const CARDS_PER_BLOCK = 4_096;

export type PermissionHeader = Omit<PermissionSet, 'cards'>;

/** A binary payload that cannot be used, and why. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** True for bytes in this format (a document or a part), whatever their version. */
export function isWireFrame(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2] && bytes[3] === MAGIC[3];
}

/** True for a part of a document (what goes over MQTT), whatever its version. */
export function isWirePart(bytes: Uint8Array): boolean {
  return isWireFrame(bytes) && bytes[5] === PART;
}

function checkFrame(bytes: Uint8Array, type: number, what: string, prefix: number): DataView {
  if (!isWireFrame(bytes)) throw new WireFormatError(`not a binary permission ${what}`);
  if (bytes[4] !== WIRE_SCHEMA_VERSION) {
    throw new WireFormatError(
      `binary permission ${what} of schema version ${bytes[4]}; this agent reads version ${WIRE_SCHEMA_VERSION}: upgrade the agent`,
    );
  }
  if (bytes[5] !== type) throw new WireFormatError(`expected a binary permission ${what}, got frame type 0x${bytes[5]!.toString(16)}`);
  if (bytes.length < prefix) throw new WireFormatError(`truncated binary permission ${what}: ${bytes.length} bytes`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---------------------------------------------------------------- encoding

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidOrText(id: string): string | Uint8Array {
  return UUID.test(id) ? Buffer.from(id.replaceAll('-', ''), 'hex') : id;
}

/** One block of the cards section (at most {@link CARDS_PER_BLOCK} cards), uncompressed. */
export function encodeCards(cards: readonly PermissionCard[]): Uint8Array {
  const n = cards.length;
  const grantKeys = new Map<string, number>();
  const escortKeys = new Map<string, number>();
  const grantLists: PermissionGrant[][] = [];
  const escortLists: string[][] = [];
  const columns = {
    n,
    credential: new Array<string>(n),
    cardId: new Array<string | Uint8Array>(n),
    personId: new Array<string | Uint8Array | null>(n),
    holder: new Array<string>(n),
    type: new Uint8Array(n),
    status: new Uint8Array(n),
    override: new Uint8Array(n),
    flags: new Uint8Array(n),
    validFrom: new Array<number | null>(n),
    validUntil: new Array<number | null>(n),
    grants: new Array<number>(n),
    escorts: new Array<number>(n),
    grantLists,
    escortLists,
  };
  for (let i = 0; i < n; i++) {
    const card = cards[i]!;
    columns.credential[i] = card.credential;
    columns.cardId[i] = uuidOrText(card.cardId);
    columns.personId[i] = card.personId === null ? null : uuidOrText(card.personId);
    columns.holder[i] = card.holder;
    columns.type[i] = CARD_TYPES.indexOf(card.type);
    columns.status[i] = CARD_STATUSES.indexOf(card.status);
    columns.override[i] = card.levelCeilingOverride ?? 255;
    columns.flags[i] = card.lockdownAccess ? 1 : 0;
    columns.validFrom[i] = card.validFrom;
    columns.validUntil[i] = card.validUntil;
    const grants = card.grants.map((g) => ({ zoneId: g.zoneId, scheduleId: g.scheduleId, validUntil: g.validUntil }));
    const grantKey = JSON.stringify(grants);
    let grantRef = grantKeys.get(grantKey);
    if (grantRef === undefined) {
      grantRef = grantLists.push(grants) - 1;
      grantKeys.set(grantKey, grantRef);
    }
    columns.grants[i] = grantRef;
    let escortRef = -1;
    if (card.escortPersonIds?.length) {
      const escortKey = JSON.stringify(card.escortPersonIds);
      escortRef = escortKeys.get(escortKey) ?? escortLists.push([...card.escortPersonIds]) - 1;
      escortKeys.set(escortKey, escortRef);
    }
    columns.escorts[i] = escortRef;
  }
  return packr.pack(columns);
}

/** A document from its head and an encoded cards section (gzip-compressed or not). */
export function assembleDocument(head: { hash: string; header: PermissionHeader }, cards: Uint8Array, compressed: boolean): Uint8Array {
  const headBytes = packr.pack({ kind: 'snapshot', hash: head.hash, header: head.header });
  const document = new Uint8Array(DOCUMENT_PREFIX + headBytes.length + cards.length);
  document.set(MAGIC, 0);
  document[4] = WIRE_SCHEMA_VERSION;
  document[5] = DOCUMENT;
  document[6] = compressed ? 1 : 0;
  new DataView(document.buffer).setUint32(8, headBytes.length);
  document.set(headBytes, DOCUMENT_PREFIX);
  document.set(cards, DOCUMENT_PREFIX + headBytes.length);
  return document;
}

/** Cuts a document into the MQTT payloads that carry it. */
export function splitIntoParts(document: Uint8Array, transferId: number, partBytes = PART_DATA_BYTES): Uint8Array[] {
  const count = Math.max(1, Math.ceil(document.length / partBytes));
  const parts: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const data = document.subarray(index * partBytes, Math.min(document.length, (index + 1) * partBytes));
    const part = new Uint8Array(PART_PREFIX + data.length);
    part.set(MAGIC, 0);
    part[4] = WIRE_SCHEMA_VERSION;
    part[5] = PART;
    const view = new DataView(part.buffer);
    view.setUint32(8, transferId >>> 0);
    view.setUint32(12, index);
    view.setUint32(16, count);
    part.set(data, PART_PREFIX);
    parts.push(part);
  }
  return parts;
}

let lastTransferId = Math.floor(Math.random() * 0xffff_ffff);

/** A snapshot as the MQTT payloads that carry it to an agent: binary, or JSON for agents that only read JSON. */
export async function snapshotPayloads(message: PermissionSnapshot, format: 'binary' | 'json' = 'binary'): Promise<Uint8Array[]> {
  if (format === 'json') {
    const payload = await compressLarge(encodePayload('permissions', message));
    return [typeof payload === 'string' ? Buffer.from(payload) : payload];
  }
  const { cards, ...header } = message.set;
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < cards.length || blocks.length === 0; at += CARDS_PER_BLOCK)
    blocks.push(encodeCards(cards.slice(at, at + CARDS_PER_BLOCK)));
  const encoded = blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
  const compressed = encoded.length >= 64 * 1024;
  const section = compressed ? await gzipCards(encoded) : encoded;
  lastTransferId = (lastTransferId + 1) >>> 0;
  return splitIntoParts(assembleDocument({ hash: message.hash, header }, section, compressed), lastTransferId);
}

/** Compresses a cards section in the thread pool, at the fastest level (UUIDs hardly compress anyway). */
export async function gzipCards(cards: Uint8Array): Promise<Uint8Array> {
  const { gzip, constants } = await import('node:zlib');
  return new Promise((resolve, reject) => gzip(cards, { level: constants.Z_BEST_SPEED }, (err, out) => (err ? reject(err) : resolve(out))));
}

// ---------------------------------------------------------------- parts

export interface WirePart {
  transferId: number;
  index: number;
  count: number;
  data: Uint8Array;
}

export function parsePart(bytes: Uint8Array): WirePart {
  const view = checkFrame(bytes, PART, 'part', PART_PREFIX);
  const part = { transferId: view.getUint32(8), index: view.getUint32(12), count: view.getUint32(16), data: bytes.subarray(PART_PREFIX) };
  if (part.count === 0 || part.index >= part.count)
    throw new WireFormatError(`part ${part.index} of ${part.count} is not a part of anything`);
  if (part.count * PART_DATA_BYTES > MAX_DOCUMENT_BYTES) {
    throw new WireFormatError(
      `the set announces ${part.count} parts (up to ${part.count * (PART_DATA_BYTES / 1024 / 1024)} MiB), more than the ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB an agent accepts`,
    );
  }
  if (part.data.length > PART_DATA_BYTES)
    throw new WireFormatError(`part ${part.index} carries ${part.data.length} bytes, more than ${PART_DATA_BYTES}`);
  return part;
}

/**
 * Joins the parts of one document as they arrive, in order. A part 0 starts a new transfer
 * (a newer set replaces one still arriving); anything out of order is refused and forgotten.
 */
export class PartAssembler {
  private transfer: { id: number; count: number; parts: Uint8Array[]; bytes: number } | null = null;

  /** The document's data, in order, once its last part is in; null while parts are missing. Throws WireFormatError. */
  add(bytes: Uint8Array): Uint8Array[] | null {
    const part = parsePart(bytes);
    if (part.index === 0) this.transfer = { id: part.transferId, count: part.count, parts: [], bytes: 0 };
    const transfer = this.transfer;
    if (!transfer || transfer.id !== part.transferId || transfer.count !== part.count || transfer.parts.length !== part.index) {
      this.transfer = null;
      throw new WireFormatError(`part ${part.index} of ${part.count} (transfer ${part.transferId}) arrived without the parts before it`);
    }
    // A copy: the MQTT client's buffer is not ours to keep.
    transfer.parts.push(new Uint8Array(part.data));
    transfer.bytes += part.data.length;
    if (transfer.parts.length < transfer.count) return null;
    this.transfer = null;
    return transfer.parts;
  }
}

// ---------------------------------------------------------------- decoding

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const headSchema = z.object({ kind: z.literal('snapshot'), hash: sha256Hex, header: permissionSetSchema.omit({ cards: true }) });
const idSchema = z.string().min(1).max(64);
const listsSchema = z.object({
  grantLists: z.array(z.array(permissionGrantSchema)),
  escortLists: z.array(z.array(idSchema).min(1)),
});

/** Cards as the decoder hands them out: counted, and iterated (each checked) as they are compiled. */
export interface WireCards extends Iterable<PermissionCard> {
  readonly length: number;
}

export interface DecodedDocument {
  hash: string;
  header: PermissionHeader;
  cards: WireCards;
}

function unpack(bytes: Uint8Array, what: string): unknown {
  try {
    return unpackr.unpack(bytes);
  } catch (err) {
    throw new WireFormatError(`the ${what} is not valid MessagePack (truncated or corrupt): ${(err as Error).message}`);
  }
}

/** Decodes and checks a document. The head and the lists are checked here; each card as it is iterated. */
export function decodeDocument(document: Uint8Array): DecodedDocument {
  if (document.length > MAX_DOCUMENT_BYTES)
    throw new WireFormatError(`the set is ${document.length} bytes, more than the ${MAX_DOCUMENT_BYTES} an agent accepts`);
  const view = checkFrame(document, DOCUMENT, 'set', DOCUMENT_PREFIX);
  if (document[6]! > 1 || document[7] !== 0) throw new WireFormatError(`unknown cards encoding ${document[6]}`);
  const headLength = view.getUint32(8);
  if (DOCUMENT_PREFIX + headLength > document.length)
    throw new WireFormatError(`truncated set: its head announces ${headLength} bytes, ${document.length - DOCUMENT_PREFIX} follow`);
  const head = headSchema.safeParse(unpack(document.subarray(DOCUMENT_PREFIX, DOCUMENT_PREFIX + headLength), 'head'));
  if (!head.success) throw new WireFormatError(`invalid head: ${z.prettifyError(head.error)}`);
  let section = document.subarray(DOCUMENT_PREFIX + headLength);
  if (document[6] === 1) {
    try {
      section = gunzipSync(section, { maxOutputLength: MAX_DOCUMENT_BYTES });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new WireFormatError(
        `the cards section is unusable: ${code === 'ERR_BUFFER_TOO_LARGE' ? `expands beyond ${MAX_DOCUMENT_BYTES} bytes` : (err as Error).message}`,
      );
    }
  }
  let blocks: unknown[];
  try {
    blocks = unpackr.unpackMultiple(section) as unknown[];
  } catch (err) {
    throw new WireFormatError(`the cards section is not valid MessagePack (truncated or corrupt): ${(err as Error).message}`);
  }
  let offset = 0;
  const parts = blocks.map((block) => {
    const columns = cardColumns(block, offset);
    offset += columns.length;
    return columns;
  });
  if (offset > MAX_CARDS) throw new WireFormatError(`the set has ${offset} cards, more than ${MAX_CARDS}`);
  return {
    hash: head.data.hash,
    header: head.data.header,
    cards: {
      length: offset,
      *[Symbol.iterator]() {
        for (const part of parts) yield* part;
      },
    },
  };
}

/** One block's columns; `first` is the index of its first card in the whole set (for messages). */
function cardColumns(raw: unknown, first: number): WireCards {
  if (typeof raw !== 'object' || raw === null) throw new WireFormatError('the cards section is not a map of columns');
  const c = raw as Record<string, unknown>;
  const n = c.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_CARDS)
    throw new WireFormatError(`invalid card count ${String(n)} (at most ${MAX_CARDS})`);
  const arrays = ['credential', 'cardId', 'personId', 'holder', 'validFrom', 'validUntil', 'grants', 'escorts'] as const;
  const bytes = ['type', 'status', 'override', 'flags'] as const;
  for (const name of arrays)
    if (!Array.isArray(c[name]) || (c[name] as unknown[]).length !== n)
      throw new WireFormatError(`column ${name} is not a list of ${n} values`);
  for (const name of bytes)
    if (!(c[name] instanceof Uint8Array) || c[name].length !== n) throw new WireFormatError(`column ${name} is not ${n} bytes`);
  const lists = listsSchema.safeParse({ grantLists: c.grantLists, escortLists: c.escortLists });
  if (!lists.success) throw new WireFormatError(`invalid grant or escort lists: ${z.prettifyError(lists.error)}`);
  const { grantLists, escortLists } = lists.data;
  const col = c as unknown as {
    credential: unknown[];
    cardId: unknown[];
    personId: unknown[];
    holder: unknown[];
    validFrom: unknown[];
    validUntil: unknown[];
    grants: unknown[];
    escorts: unknown[];
    type: Uint8Array;
    status: Uint8Array;
    override: Uint8Array;
    flags: Uint8Array;
  };
  const card = (i: number): PermissionCard => {
    const fail = (what: string): never => {
      throw new WireFormatError(`card ${first + i}: ${what}`);
    };
    const credential = col.credential[i];
    if (typeof credential !== 'string' || credential.length < 3 || credential.length > 100)
      fail('credential must be a string of 3 to 100 characters');
    const cardId = id(col.cardId[i]) ?? fail('cardId must be an id of 1 to 64 characters or a 16-byte UUID');
    const rawPerson = col.personId[i];
    const personId = rawPerson === null ? null : (id(rawPerson) ?? fail('personId must be null, an id or a 16-byte UUID'));
    const holder = col.holder[i];
    if (typeof holder !== 'string' || holder.length > 200) fail('holder must be a string of at most 200 characters');
    const type = CARD_TYPES[col.type[i]!] ?? fail(`unknown card type ${col.type[i]}`);
    const status = CARD_STATUSES[col.status[i]!] ?? fail(`unknown card status ${col.status[i]}`);
    const override = col.override[i]!;
    if (override > 9 && override !== 255) fail(`level ceiling override ${override} is not a zone level`);
    const flags = col.flags[i]!;
    if (flags > 1) fail(`unknown flags ${flags}`);
    const validFrom = epoch(col.validFrom[i]) ?? fail('validFrom must be null or epoch milliseconds');
    const validUntil = epoch(col.validUntil[i]) ?? fail('validUntil must be null or epoch milliseconds');
    const grantRef = col.grants[i];
    const grants =
      (typeof grantRef === 'number' ? grantLists[grantRef] : undefined) ?? fail(`grant list ${String(grantRef)} does not exist`);
    const escortRef = col.escorts[i];
    const escorts =
      escortRef === -1
        ? null
        : ((typeof escortRef === 'number' ? escortLists[escortRef] : undefined) ?? fail(`escort list ${String(escortRef)} does not exist`));
    return {
      credential: credential as string,
      cardId,
      personId,
      holder: holder as string,
      type,
      status,
      validFrom: validFrom === NONE ? null : validFrom,
      validUntil: validUntil === NONE ? null : validUntil,
      levelCeilingOverride: override === 255 ? null : override,
      grants: grants.map((g) => ({ ...g })),
      ...(escorts ? { escortPersonIds: [...escorts] } : {}),
      ...(flags & 1 ? { lockdownAccess: true } : {}),
    };
  };
  return {
    length: n,
    *[Symbol.iterator]() {
      for (let i = 0; i < n; i++) yield card(i);
    },
  };
}

const NONE = -1;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function id(value: unknown): string | null {
  if (typeof value === 'string') return value.length >= 1 && value.length <= 64 ? value : null;
  if (value instanceof Uint8Array && value.length === 16) {
    let s = '';
    for (let i = 0; i < 16; i++) {
      s += HEX[value[i]!]!;
      if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
    }
    return s;
  }
  return null;
}

/** Epoch milliseconds, {@link NONE} for null, or null when invalid. */
function epoch(value: unknown): number | null {
  if (value === null) return NONE;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** A document as the JSON snapshot message it stands for (the CLI prints sets this way). */
export function documentToMessage(document: Uint8Array): PermissionSnapshot {
  const { hash, header, cards } = decodeDocument(document);
  return { kind: 'snapshot', set: { ...header, cards: [...cards] }, hash };
}
