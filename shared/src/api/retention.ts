/**
 * Retention per record type and legal holds (docs/product-rules.md#retention). The audit log is never deleted (its
 * triggers refuse it); visitor personal data is anonymised (reception settings); door events,
 * alerts and closed incidents are deleted after their period unless a legal hold covers them.
 */
export const RETENTION_RECORD_TYPES = ['events', 'alerts', 'incidents', 'movements'] as const;
export type RetentionRecordType = (typeof RETENTION_RECORD_TYPES)[number];

/** Days to keep each record type; null keeps it for ever. */
export type RetentionSettingsView = Record<RetentionRecordType, number | null>;

export const DEFAULT_RETENTION: RetentionSettingsView = { events: 730, alerts: 730, incidents: 1825, movements: 1825 };

export interface LegalHoldView {
  id: string;
  reason: string;
  personId: string | null;
  personName: string | null;
  periodFrom: number;
  periodTo: number;
  createdBy: string | null;
  createdAt: number;
  releasedAt: number | null;
  releasedBy: string | null;
}

export interface RetentionRunView {
  at: number;
  deleted: Record<RetentionRecordType, number>;
  /** Records past their period kept because a legal hold covers them. */
  held: Record<RetentionRecordType, number>;
}
