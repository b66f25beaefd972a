/**
 * Turns the bytes of a `permissions` message or a stored set (a JSON message, plain or gzip,
 * or a binary document: `@acs/shared/sync/permission-wire`) into something the
 * holder can swap in: every check of the payload schema, the agent id, the header (time
 * zone, doors between known zones), one credential per card and the content hash, and the
 * compiled card table. Pure and synchronous: it runs in the permission worker thread so the
 * badge path never waits for it, and in-thread in tests.
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { isCompressed, MAX_DECOMPRESSED_BYTES } from '@acs/shared/mqtt/compression';
import {
  permissionsMessageSchema,
  type PermissionCard,
  type PermissionDelta,
  type PermissionSet,
  type PermissionStructure,
} from '@acs/shared/mqtt/payloads';
import { cardHash, combineHash, headerCanonical } from '@acs/shared/sync/permission-hash';
import { decodeDocument, isWireFrame, WireFormatError, type DecodedDocument } from '@acs/shared/sync/permission-wire';
import { CardTable, type CardTableData } from '../decision/card-table.js';
import { addCards, checkHeader, PermissionSetError } from '../decision/compiled-permissions.js';

const MOD = 1n << 128n;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a payload was refused; the set in force stays. */
export class PayloadRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadRefusedError';
  }
}

export type PermissionHeader = Omit<PermissionSet, 'cards'>;

export interface CompiledSnapshot {
  kind: 'snapshot';
  header: PermissionHeader;
  hash: string;
  /** Hex of the additive card hash, kept so a restart or a delta need not rehash every card. */
  cardSum: string;
  table: CardTableData;
}

export type DecodedPermissions =
  CompiledSnapshot | { kind: 'delta'; delta: PermissionDelta } | { kind: 'structure'; structure: PermissionStructure };

/** A stored set: its header replaces the base payload's (deltas and structure changes moved it on), its changed cards override the base's. */
export interface StoredSetContext {
  header: PermissionHeader;
  hash: string;
  /** Card JSON by credential; the text `null` marks a card removed since the base. */
  changes: ReadonlyMap<string, string>;
}

export interface DecodeOptions {
  agentId: string;
  /** Decoding a set read back from the local store rather than a message. */
  stored?: StoredSetContext;
}

export function decodePermissionPayload(payload: Uint8Array, options: DecodeOptions): DecodedPermissions {
  const bytes = inflate(payload);
  if (options.stored && bytes.length === 0) {
    // A store written by an agent older than the binary format keeps every card as a change on no base.
    return compileSnapshot(options.stored.header, [], options.stored.hash, options);
  }
  if (isWireFrame(bytes)) {
    let document: DecodedDocument;
    try {
      document = decodeDocument(bytes);
    } catch (err) {
      if (err instanceof WireFormatError) throw new PayloadRefusedError(err.message);
      throw err;
    }
    if (options.stored) return compileSnapshot(options.stored.header, document.cards, options.stored.hash, options);
    return compileSnapshot(document.header, document.cards, document.hash, options);
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new PayloadRefusedError(`payload is not JSON: ${(err as Error).message}`);
  }
  const parsed = permissionsMessageSchema.safeParse(json);
  if (!parsed.success) throw new PayloadRefusedError(z.prettifyError(parsed.error));
  const message = parsed.data;
  if (message.kind === 'delta' || message.kind === 'structure') {
    if (options.stored) throw new PayloadRefusedError(`a stored set cannot be a ${message.kind} message`);
    return message.kind === 'delta' ? { kind: 'delta', delta: message } : { kind: 'structure', structure: message };
  }
  const { cards, ...header } = message.set;
  if (options.stored) return compileSnapshot(options.stored.header, cards, options.stored.hash, options);
  return compileSnapshot(header, cards, message.hash, options);
}

function inflate(payload: Uint8Array): Uint8Array {
  if (!isCompressed(payload)) return payload;
  try {
    return gunzipSync(payload, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `expands beyond ${MAX_DECOMPRESSED_BYTES} bytes` : (err as Error).message;
    throw new PayloadRefusedError(`compressed payload of ${payload.length} bytes is unusable: ${why}`);
  }
}

/** Cards as they come: an array, or the binary decoder checking and yielding them one at a time. */
export type CardSource = Iterable<PermissionCard> & { readonly length: number };

export function compileSnapshot(
  header: PermissionHeader,
  cards: CardSource,
  expectedHash: string,
  options: DecodeOptions,
): CompiledSnapshot {
  if (header.agentId !== options.agentId) throw new PayloadRefusedError(`it is for agent '${header.agentId}', not '${options.agentId}'`);
  try {
    checkHeader(header);
  } catch (err) {
    if (err instanceof PermissionSetError) throw new PayloadRefusedError(err.message);
    throw err;
  }
  const changes = options.stored?.changes;
  let sum = 0n;
  let table: CardTableData;
  try {
    let count = cards.length;
    if (changes && changes.size > 0) {
      count = 0;
      for (const card of cards) if (!changes.has(card.credential)) count++;
      for (const text of changes.values()) if (text !== 'null') count++;
    }
    const builder = CardTable.builder(count, header.cardTypeCeilings, new Map());
    const one = [null as unknown as PermissionCard];
    const add = (card: PermissionCard) => {
      one[0] = card;
      addCards(builder, one);
      sum += cardHash(card);
    };
    for (const card of cards) if (!changes?.size || !changes.has(card.credential)) add(card);
    if (changes) for (const text of changes.values()) if (text !== 'null') add(JSON.parse(text) as PermissionCard);
    table = builder.buildData();
  } catch (err) {
    if (err instanceof PermissionSetError || err instanceof RangeError || err instanceof WireFormatError)
      throw new PayloadRefusedError(err.message);
    throw err;
  }
  sum %= MOD;
  const hash = combineHash(headerCanonical(header), sum);
  if (hash !== expectedHash) {
    throw new PayloadRefusedError(
      options.stored
        ? `the stored set does not match its recorded hash (${expectedHash}, content ${hash})`
        : `content hash mismatch: the message says ${expectedHash}, the content hashes to ${hash}`,
    );
  }
  return { kind: 'snapshot', header, hash, cardSum: sum.toString(16), table };
}
