/**
 * The append-only audit log and its verification.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { UserRole } from '../access/model.js';

/** Who caused an audit entry: a signed-in user over HTTP, an operator at the CLI, or the server itself. */
export type AuditSource = 'http' | 'cli' | 'system';

/**
 * One entry of the append-only audit log (`GET /api/audit`). Entity writes have the action
 * `create`, `update` or `delete` with the row before and after (column values by property
 * name; secrets appear as `[redacted:<fingerprint>]`); other actions are dotted names such
 * as `auth.sign_in`, `auth.sign_out`, `auth.password_changed`.
 */
export interface AuditEntryView {
  /** Position in the chain: 1, 2, 3… without gaps. */
  seq: number;
  at: number;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRole: UserRole | null;
  source: AuditSource;
  action: string;
  /** Table of the changed record (`cards`, `people`, …), or a subject such as `users` for sign-ins. */
  entityType: string | null;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  ip: string | null;
  detail: string | null;
  /** SHA-256 over this entry's content and the previous entry's hash. */
  hash: string;
}

/** `GET /api/audit/verify`: whether every entry still matches its hash and the chain has no gap. */
export interface AuditVerifyView {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  /** The first entry that fails (changed, missing or out of place). */
  firstBadSeq?: number;
  reason?: string;
  /** Sequence number of the last entry, 0 when the log is empty. */
  lastSeq: number;
}
