import { createHash } from 'node:crypto';

/**
 * Tables whose writes are not a person's change and are kept out of the audit log
 * (docs/product-rules.md#audit-log): sessions (sign-in/out are recorded as actions instead), agent events
 * and the sync's own bookkeeping, the audit tables themselves, and the state shared between
 * server instances (job leases and runs, sign-in failure counters). Every other table is
 * audited, including tables added later: add noise tables here explicitly.
 *
 * OSDP reader keys and their operations are recorded as actions too (`reader.*`, by
 * ReadersService, naming keys by id): a row of `reader_keys` holds key material (sealed, but
 * the log is append-only and kept for years, so it must never hold a copy), and an entity
 * entry next to each action would say the same thing twice.
 */
export const NOT_AUDITED_TABLES: ReadonlySet<string> = new Set([
  'migrations',
  'audit_log',
  'audit_chain_head',
  'sessions',
  'events',
  'permission_deliveries',
  'permission_changes',
  'reader_keys',
  'reader_key_operations',
  'person_presence',
  'job_leases',
  'job_runs',
  'login_throttle',
]);

/**
 * Columns the server maintains by itself on audited tables (agent liveness and sync
 * confirmations, the permission version counter). They are left out of before/after, and
 * an update that touches only them is not an entry.
 */
export const SYSTEM_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  agents: [
    'online',
    'last_seen_at',
    'software_version',
    'applied_version',
    'applied_hash',
    'applied_at',
    'hash_matches',
    'contiguous_seq',
    'behind_since',
  ],
  site_settings: ['permission_version'],
};

/** Columns that change with every update and alone do not make an update worth an entry. */
export const INCIDENTAL_COLUMNS: ReadonlySet<string> = new Set(['updated_at']);

/**
 * Secrets (password hashes, sealed keys) never enter the log in clear; a fingerprint shows
 * that they changed. `sealed` also covers key material in tables audited one day.
 */
const SECRET_COLUMN = /password|secret|token|sealed/i;

/**
 * A visitor's personal data (docs/product-rules.md#visitor-sign-out): anonymised after the retention period, so
 * the append-only log must not keep a copy either; a fingerprint shows what changed.
 */
const PERSONAL_COLUMNS: ReadonlySet<string> = new Set([
  'visitor_name',
  'visitor_company',
  'visitor_phone',
  'photo',
  'id_number_masked',
  'id_number_hash',
]);

export function isAuditedTable(table: string): boolean {
  return !NOT_AUDITED_TABLES.has(table);
}

export function isSecretColumn(column: string): boolean {
  return SECRET_COLUMN.test(column) || PERSONAL_COLUMNS.has(column);
}

export function redact(value: unknown): string {
  if (value === null || value === undefined) return '[redacted]';
  // A JSON column's secret is fingerprinted by its content, not as "[object Object]".
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : `${value as number | bigint | boolean}`;
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `[redacted:${digest}]`;
}
