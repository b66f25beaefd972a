/**
 * Holds the permission set in force. A received snapshot is decoded, checked (schema, agent
 * id, content hash) and compiled in a worker thread, persisted, and only then swapped in
 * with a single assignment, so a badge sees either the old set or the new one, never a mix,
 * never waits for the work, and what the doors enforce is always what survives
 * a restart.
 */
import { EventEmitter } from 'node:events';
import type { PermissionCard, PermissionDelta, PermissionSet, PermissionsMessage, PermissionStructure } from '@acs/shared/mqtt/payloads';
import type { Logger } from '../log/logger.js';
import type { LocalStore } from '../store/local-store.js';
import { isWirePart, PartAssembler } from '@acs/shared/sync/permission-wire';
import { PermissionWorker } from '../sync/permission-worker-client.js';
import { CardTable, OVERLAY_LIMIT, OverlayCards } from './card-table.js';
import type { CompiledSnapshot } from '../sync/permission-payload.js';
import {
  applyCardDelta,
  compiledFromTable,
  PermissionHashState,
  PermissionSetError,
  withHeader,
  type CompiledPermissions,
} from './compiled-permissions.js';

export type ApplyOutcome =
  | { status: 'applied' | 'unchanged'; version: number; hash: string; appliedAt: number }
  /** `needsSnapshot`: a delta that does not fit what the agent holds; ask the server for a snapshot. */
  | { status: 'rejected'; error: string; needsSnapshot?: boolean };

export interface PermissionHolderEvents {
  /** A new set is in force. */
  changed: [permissions: CompiledPermissions];
}

export class PermissionHolder extends EventEmitter<PermissionHolderEvents> {
  private compiled: CompiledPermissions | null = null;
  private appliedAtMs: number | null = null;
  private applying: Promise<unknown> = Promise.resolve();
  private readonly parts = new PartAssembler();

  constructor(
    private readonly agentId: string,
    private readonly store: LocalStore,
    private readonly log: Logger,
    private readonly worker: PermissionWorker = new PermissionWorker(agentId),
  ) {
    super();
  }

  /** The set in force, or null before the first one arrives. Read on every badge. */
  get current(): CompiledPermissions | null {
    return this.compiled;
  }

  get appliedAt(): number | null {
    return this.appliedAtMs;
  }

  /**
   * Loads the set persisted by a previous run, so doors decide before any server contact.
   * Decoded and compiled in the worker like a received set: a restart with a million
   * cardholders does not hold the event loop either.
   */
  async load(): Promise<CompiledPermissions | null> {
    const stored = await this.store.loadPermissionPayload();
    if (!stored) {
      this.log.warn('no permission set stored yet: every badge is denied (no_permission_set) until the server sends one');
      return null;
    }
    const outcome = await this.worker.decode(stored.pages, { header: stored.header, hash: stored.hash, changes: stored.changes });
    if (!outcome.ok || outcome.decoded.kind !== 'snapshot') {
      this.log.error('the stored permission set cannot be used; ignoring it and waiting for the server', {
        version: stored.header.version,
        error: outcome.ok ? 'not a snapshot' : outcome.error,
      });
      return null;
    }
    try {
      const compiled = compiledFromTable(
        outcome.decoded.header,
        outcome.decoded.table,
        restoredHashState(outcome.decoded.header, BigInt(`0x${outcome.decoded.cardSum}`)),
      );
      this.swap(compiled, stored.appliedAt);
      this.log.info('permission set loaded from the local store', { version: compiled.version, cards: compiled.cards.size });
      return compiled;
    } catch (err) {
      this.log.error('the stored permission set cannot be compiled; waiting for the server', { error: (err as Error).message });
      return null;
    }
  }

  /**
   * Applies the bytes of a `permissions` message (a snapshot, delta or structural change, JSON
   * or binary) after the messages before it; null for a part of a binary set whose other parts
   * are still to come. Decoding, every check and compiling the cards happen in the worker
   * thread; this thread only persists the payload and swaps the set in.
   */
  applyPayload(payload: Uint8Array, now?: number): Promise<ApplyOutcome | null> {
    if (isWirePart(payload)) {
      // Parts are joined as they arrive, outside the queue: a set still being applied does not hold up the next one's parts.
      let document: Uint8Array[] | null;
      try {
        document = this.parts.add(payload);
      } catch (err) {
        const error = (err as Error).message;
        this.log.error(`invalid permissions message ignored; keeping the set in force: ${error}`, { bytes: payload.length });
        return Promise.resolve({ status: 'rejected', error });
      }
      if (!document) return Promise.resolve(null);
      const parts = document;
      return this.inOrder(() => this.receive(parts, now ?? Date.now()));
    }
    return this.inOrder(() => this.receive([payload], now ?? Date.now()));
  }

  /** Applies a snapshot given as an object (tests, tools): the same path as its JSON bytes. */
  applySnapshot(message: PermissionsMessage, now?: number): Promise<ApplyOutcome> {
    const payload = Buffer.from(JSON.stringify(message));
    return this.inOrder(() => this.receive([payload], now ?? Date.now()));
  }

  /** Applies a delta after the snapshots and deltas before it, in arrival order. */
  applyDelta(delta: PermissionDelta, now?: number): Promise<ApplyOutcome> {
    return this.inOrder(() => this.delta(delta, now ?? Date.now()));
  }

  /** Stops the worker thread (agent shutdown): a set still being decoded is dropped, the one in force stays. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.applying;
  }

  /**
   * Folds the cards many deltas changed into a fresh table, in the worker: the same cards,
   * version and hash, swapped in with one assignment (no new version to confirm).
   */
  private async fold(): Promise<null> {
    const held = this.compiled;
    if (!held || !(held.cards instanceof OverlayCards)) return null;
    const changes: [string, PermissionCard | null][] = [...held.cards.changes].map(([credential, change]) => [
      credential,
      change?.payload ?? null,
    ]);
    const outcome = await this.worker.fold(held.cards.base.data, changes);
    if (!outcome.ok) {
      this.log.warn('could not fold the card changes into a fresh table; deciding from the overlay meanwhile', { error: outcome.error });
      return null;
    }
    // Deltas wait behind this in the queue, so the set held is still the one folded.
    if (this.compiled !== held) return null;
    this.compiled = { ...held, cards: CardTable.view(outcome.table, held.header.cardTypeCeilings, held.schedules) };
    this.log.debug(() => `folded ${changes.length} card changes into a fresh table`);
    return null;
  }

  private inOrder<T>(work: () => Promise<T>): Promise<T> {
    const result = this.applying.then(work);
    this.applying = result.catch(() => undefined);
    return result;
  }

  private async receive(chunks: readonly Uint8Array[], now: number): Promise<ApplyOutcome> {
    const outcome = await this.worker.decode(chunks);
    if (!outcome.ok) {
      this.log.error(`invalid permissions message ignored; keeping the set in force: ${outcome.error}`, {
        bytes: chunks.reduce((n, c) => n + c.length, 0),
      });
      return { status: 'rejected', error: outcome.error };
    }
    if (outcome.decoded.kind === 'delta') return this.delta(outcome.decoded.delta, now);
    if (outcome.decoded.kind === 'structure') return this.structure(outcome.decoded.structure, now);
    return this.install(outcome.decoded, chunks, now);
  }

  private async delta(delta: PermissionDelta, now: number): Promise<ApplyOutcome> {
    const reject = (error: string, needsSnapshot: boolean): ApplyOutcome => {
      this.log.warn(`permission delta not applied: ${error}`, { version: delta.version, needsSnapshot });
      return { status: 'rejected', error, needsSnapshot };
    };
    if (delta.agentId !== this.agentId) return reject(`it is for agent '${delta.agentId}', not '${this.agentId}'`, false);
    const held = this.compiled;
    if (held && held.version === delta.version && held.hash === delta.hash) {
      return { status: 'unchanged', version: held.version, hash: held.hash, appliedAt: this.appliedAtMs ?? now };
    }
    if (!held || held.version !== delta.baseVersion || held.hash !== delta.baseHash) {
      return reject(`it applies to version ${delta.baseVersion}, the agent holds ${held ? held.version : 'nothing'}`, true);
    }
    // The content hash after the delta, from the cards replaced: O(changed cards).
    let state = held.hashState;
    for (const credential of delta.removals) state = state.withCard(held.cards.payload(credential) ?? null, null);
    for (const card of delta.upserts) state = state.withCard(held.cards.payload(card.credential) ?? null, card);
    state = state.withHeader({ ...held.header, version: delta.version, issuedAt: delta.issuedAt });
    if (state.hash !== delta.hash) return reject(`content hash mismatch after the delta: expected ${delta.hash}, got ${state.hash}`, true);
    let compiled: CompiledPermissions;
    try {
      compiled = applyCardDelta(held, delta, state);
    } catch (err) {
      if (err instanceof PermissionSetError) return reject(err.message, true);
      throw err;
    }
    try {
      await this.store.applyPermissionDelta(compiled.header, delta.upserts, delta.removals, compiled.hash, state.cardSum, now);
    } catch (err) {
      return reject(`could not persist it: ${(err as Error).message}`, true);
    }
    this.swap(compiled, now);
    if (compiled.cards instanceof OverlayCards && compiled.cards.changes.size > OVERLAY_LIMIT) void this.inOrder(() => this.fold());
    this.log.info('permission delta applied', {
      version: compiled.version,
      upserts: delta.upserts.length,
      removals: delta.removals.length,
      cards: compiled.cards.size,
    });
    return { status: 'applied', version: compiled.version, hash: compiled.hash, appliedAt: now };
  }

  /**
   * A structural change: the new header over the cards held, O(header). The cards are not
   * touched; their grants are compiled again under the new schedules as badges need them.
   */
  private async structure(message: PermissionStructure, now: number): Promise<ApplyOutcome> {
    const { header } = message;
    const reject = (error: string): ApplyOutcome => {
      this.log.warn(`structural change not applied: ${error}`, { version: header.version, needsSnapshot: true });
      return { status: 'rejected', error, needsSnapshot: true };
    };
    if (message.agentId !== this.agentId || header.agentId !== this.agentId)
      return reject(`it is for agent '${message.agentId}', not '${this.agentId}'`);
    const held = this.compiled;
    if (held && held.version === header.version && held.hash === message.hash) {
      return { status: 'unchanged', version: held.version, hash: held.hash, appliedAt: this.appliedAtMs ?? now };
    }
    if (!held || held.version !== message.baseVersion || held.hash !== message.baseHash) {
      return reject(`it applies to version ${message.baseVersion}, the agent holds ${held ? held.version : 'nothing'}`);
    }
    const hashState = held.hashState.withHeader(header);
    if (hashState.hash !== message.hash)
      return reject(`content hash mismatch after the change: expected ${message.hash}, got ${hashState.hash}`);
    let compiled: CompiledPermissions;
    try {
      compiled = withHeader(held, header, hashState);
    } catch (err) {
      if (err instanceof PermissionSetError) return reject(err.message);
      throw err;
    }
    try {
      await this.store.updatePermissionHeader(header, compiled.hash, hashState.cardSum, now);
    } catch (err) {
      return reject(`could not persist it: ${(err as Error).message}`);
    }
    this.swap(compiled, now);
    this.log.info('structural change applied', { version: compiled.version, cards: compiled.cards.size });
    return { status: 'applied', version: compiled.version, hash: compiled.hash, appliedAt: now };
  }

  private async install(decoded: CompiledSnapshot, chunks: readonly Uint8Array[], now: number): Promise<ApplyOutcome> {
    const { header } = decoded;
    const reject = (error: string): ApplyOutcome => {
      this.log.error(`permission snapshot rejected: ${error}`, { version: header.version });
      return { status: 'rejected', error };
    };
    const held = this.compiled;
    if (held && held.version === header.version && held.hash === decoded.hash) {
      return { status: 'unchanged', version: held.version, hash: held.hash, appliedAt: this.appliedAtMs ?? now };
    }
    if (held && header.version < held.version) {
      this.log.warn('the server sent an older permission version than the one in force; applying it (the server owns the truth)', {
        held: held.version,
        received: header.version,
      });
    }
    const cardSum = BigInt(`0x${decoded.cardSum}`);
    let compiled: CompiledPermissions;
    try {
      compiled = compiledFromTable(header, decoded.table, restoredHashState(header, cardSum));
    } catch (err) {
      if (err instanceof PermissionSetError) return reject(err.message);
      throw err;
    }
    try {
      await this.store.savePermissionPayload({ header, hash: compiled.hash, cardSum, appliedAt: now }, chunks);
    } catch (err) {
      // Not persisted means not applied: the doors keep the set that would survive a restart.
      return reject(`could not persist it: ${(err as Error).message}`);
    }
    this.swap(compiled, now);
    this.log.info('permission set applied', { version: compiled.version, cards: compiled.cards.size, hash: compiled.hash });
    return { status: 'applied', version: compiled.version, hash: compiled.hash, appliedAt: now };
  }

  private swap(compiled: CompiledPermissions, appliedAt: number): void {
    this.compiled = compiled;
    this.appliedAtMs = appliedAt;
    this.emit('changed', compiled);
  }
}

/** The hash state of a stored set without rehashing every card: the card sum was stored with it. */
function restoredHashState(set: Omit<PermissionSet, 'cards'>, cardSum: bigint): PermissionHashState {
  return new PermissionHashState('', cardSum).withHeader(set);
}
