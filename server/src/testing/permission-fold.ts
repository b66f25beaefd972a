// For the server's tests: what an agent would hold after the permission messages it received.
// Not a test file itself.
import type { PermissionCard, PermissionsChannelMessage, PermissionSet } from '@acs/shared/mqtt/payloads';

export interface HeldSet {
  kind: 'snapshot' | 'delta' | 'structure';
  set: PermissionSet;
  /** The hash the last message announced for the set it leads to. */
  hash: string;
}

/**
 * Folds snapshots, deltas and structural changes in arrival order like an agent: a delta applies only on top of
 * exactly its base version; one that does not fit throws (a test should see that).
 */
export function foldPermissions(messages: readonly PermissionsChannelMessage[]): HeldSet | null {
  let held: HeldSet | null = null;
  for (const message of messages) {
    if (message.kind === 'snapshot') {
      held = { kind: 'snapshot', set: message.set, hash: message.hash };
      continue;
    }
    const version = message.kind === 'delta' ? message.version : message.header.version;
    if (!held || held.set.version !== message.baseVersion || held.hash !== message.baseHash) {
      throw new Error(`${message.kind} ${message.baseVersion} → ${version} does not apply to version ${held?.set.version ?? 'none'}`);
    }
    const base: HeldSet = held;
    if (message.kind === 'structure') {
      held = { kind: 'structure', set: { ...message.header, cards: base.set.cards }, hash: message.hash };
      continue;
    }
    const cards = new Map<string, PermissionCard>();
    for (const card of base.set.cards) cards.set(card.credential, card);
    for (const credential of message.removals) cards.delete(credential);
    for (const card of message.upserts) cards.set(card.credential, card);
    held = {
      kind: 'delta',
      set: { ...base.set, version: message.version, issuedAt: message.issuedAt, cards: [...cards.values()] },
      hash: message.hash,
    };
  }
  return held;
}
