import { createHash } from 'node:crypto';

/** `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored fields of an entry that its hash covers, in a fixed order. */
export interface HashedAuditFields {
  seq: number;
  at: number;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  source: string;
  action: string;
  entityType: string | null;
  entityId: string | null;
  /** JSON text as stored. */
  beforeState: string | null;
  afterState: string | null;
  requestId: string | null;
  ip: string | null;
  detail: string | null;
}

/** The canonical text of an entry: a JSON array, so no field can bleed into another. */
export function canonicalAuditContent(e: HashedAuditFields): string {
  return JSON.stringify([
    e.seq,
    e.at,
    e.actorUserId,
    e.actorUsername,
    e.actorRole,
    e.source,
    e.action,
    e.entityType,
    e.entityId,
    e.beforeState,
    e.afterState,
    e.requestId,
    e.ip,
    e.detail,
  ]);
}

/** SHA-256 over the previous entry's hash and this entry's canonical content. */
export function auditEntryHash(prevHash: string, e: HashedAuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalAuditContent(e)).digest('hex');
}

/**
 * JSON with object keys sorted at every level, so the same state always gives the same
 * text (and hash) whatever order the properties were set in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
