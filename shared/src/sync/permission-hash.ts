/**
 * Content hash of a permission set, computed the same way by the server (what it sent)
 * and the agent (what it holds), so "agent confirmed version V with hash H" proves the
 * doors enforce exactly what the server compiled.
 *
 * The card part is a sum of per-card hashes modulo 2^128 (an additive multiset hash):
 * independent of order, and an agent applying a change to a few cards updates it by
 * subtracting the old cards' hashes and adding the new ones instead of rehashing a
 * million cards.
 */
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

// crypto.hash arrived in Node 20.12; older 20.x fall back to createHash.
const oneShotSha256 = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
import type { PermissionCard, PermissionSet } from '../mqtt/payloads.js';

const MOD = 1n << 128n;

export function cardHash(card: PermissionCard): bigint {
  const sorted =
    card.grants.length > 1 ? [...card.grants].sort((a, b) => (a.zoneId < b.zoneId ? -1 : a.zoneId > b.zoneId ? 1 : 0)) : card.grants;
  const grants = sorted.map((g) => [g.zoneId, g.scheduleId, g.validUntil]);
  const canonical = JSON.stringify([
    card.credential,
    card.cardId,
    card.personId,
    card.holder,
    card.type,
    card.status,
    card.validFrom,
    card.validUntil,
    card.levelCeilingOverride,
    grants,
    // Later fields join only when set, so sets without them keep the hashes they had.
    ...(card.escortPersonIds?.length ? [['escorts', [...card.escortPersonIds].sort()]] : []),
    ...(card.lockdownAccess ? [['lockdownAccess', true]] : []),
  ]);
  // One-shot hash(): no Hash object per card (a snapshot hashes 100,000s of cards).
  const digest = oneShotSha256 ? oneShotSha256('sha256', canonical, 'buffer') : createHash('sha256').update(canonical).digest();
  return digest.readBigUInt64BE(0) * (1n << 64n) + digest.readBigUInt64BE(8);
}

export function addCardHash(sum: bigint, card: PermissionCard): bigint {
  return (sum + cardHash(card)) % MOD;
}

export function removeCardHash(sum: bigint, card: PermissionCard): bigint {
  return (sum - cardHash(card) + MOD) % MOD;
}

export function sumCardHashes(cards: Iterable<PermissionCard>): bigint {
  let sum = 0n;
  for (const card of cards) sum = addCardHash(sum, card);
  return sum;
}

/** Everything in the set except the cards and the issue time, in a fixed order. */
export function headerCanonical(set: Omit<PermissionSet, 'cards'>): string {
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return JSON.stringify([
    set.agentId,
    set.version,
    set.site.timeZone,
    [...set.site.holidays].sort(),
    Object.entries(set.cardTypeCeilings).sort(),
    byId(set.zones).map((z) => [z.id, z.name, z.level, z.parentId, z.antiPassback, ...(z.twoPerson ? ['twoPerson'] : [])]),
    byId(set.doors).map((d) => [d.id, d.name, d.fromZoneId, d.toZoneId, d.releaseMs, d.heldOpenMs]),
    byId(set.schedules).map((s) => [s.id, s.name, s.holidays, s.windows.map((w) => [[...w.days].sort(), w.start, w.end])]),
    ...(set.lockdown ? [['lockdown', set.lockdown.site, [...set.lockdown.zoneIds].sort()]] : []),
    ...(set.rules
      ? [
          [
            'rules',
            set.rules.escortWindowMs ?? null,
            set.rules.twoPersonWindowMs ?? null,
            Object.entries(set.rules.offlineLimitsMs ?? {}).sort(),
          ],
        ]
      : []),
  ]);
}

export function combineHash(header: string, cardSum: bigint): string {
  return createHash('sha256').update(header).update('\n').update(cardSum.toString(16)).digest('hex');
}

export function permissionSetHash(set: PermissionSet): string {
  return combineHash(headerCanonical(set), sumCardHashes(set.cards));
}
