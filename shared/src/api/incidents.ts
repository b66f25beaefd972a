/**
 * Incidents and violations (docs/product-rules.md#incidents, #violations): the manual's incident levels
 * (1 minor, 2 serious, 3 critical) and four violation levels, the incident timeline, and the
 * statistics managers report on. Identifiers are stable; words are the dashboard's.
 */
import type { AlertSeverity, AlertType } from './alerts.js';

export const INCIDENT_LEVELS = [1, 2, 3] as const;
export type IncidentLevel = (typeof INCIDENT_LEVELS)[number];

export const INCIDENT_STATUSES = ['open', 'investigating', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_CAUSES = [
  'forced_entry',
  'tailgating',
  'lost_card',
  'card_misuse',
  'visitor',
  'equipment',
  'seal',
  'system_fault',
  'other',
] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

export const INCIDENT_ENTRY_KINDS = ['created', 'note', 'attachment', 'status', 'level', 'owner', 'alert', 'violation', 'closed'] as const;
export type IncidentEntryKind = (typeof INCIDENT_ENTRY_KINDS)[number];

/** The manual's four violation levels, from a reminder to a report to the authorities. */
export const VIOLATION_LEVELS = [1, 2, 3, 4] as const;
export type ViolationLevel = (typeof VIOLATION_LEVELS)[number];

export interface IncidentEntryView {
  id: string;
  at: number;
  kind: IncidentEntryKind;
  text: string | null;
  actor: string | null;
  attachment: { name: string; type: string; size: number } | null;
}

export interface IncidentView {
  id: string;
  /** `INC-000123`: what people say on the phone. */
  number: string;
  level: IncidentLevel;
  title: string;
  description: string;
  status: IncidentStatus;
  cause: IncidentCause | null;
  zoneId: string | null;
  owner: { id: string; name: string } | null;
  reporter: { id: string; name: string } | null;
  sourceAlertId: string | null;
  outcome: string | null;
  correctiveActions: string | null;
  feedback: string | null;
  createdAt: number;
  /** First response: owner assigned, note or status change by someone other than the reporter. */
  respondedAt: number | null;
  closedAt: number | null;
  closedBy: string | null;
}

export interface IncidentDetailView extends IncidentView {
  entries: IncidentEntryView[];
  violations: ViolationView[];
}

export interface ViolationView {
  id: string;
  personId: string;
  personName: string;
  level: ViolationLevel;
  description: string;
  incidentId: string | null;
  incidentNumber: string | null;
  alertId: string | null;
  recordedBy: string | null;
  at: number;
}

export interface IncidentStatsView {
  from: number;
  to: number;
  total: number;
  byLevel: Record<string, number>;
  byCause: Record<string, number>;
  byZone: Record<string, number>;
  /** `YYYY-MM` in the site's time zone. */
  byMonth: Record<string, number>;
  /** Alerts raised in the period: mean time from raised to acknowledged (ms), and how many. */
  meanTimeToAcknowledgeMs: number | null;
  acknowledged: number;
  /** Incidents closed in the period: mean time from opened to closed (ms). */
  meanTimeToCloseMs: number | null;
  closed: number;
}

/**
 * Alert rules and thresholds (per site, and per zone level of the door concerned): severity
 * overrides or `off` per alert type and level; when unacknowledged alerts escalate; the
 * thresholds of the server-side rules.
 */
export interface AlertRulesView {
  /** Unacknowledged alerts of these severities escalate after this long. */
  escalateAfterSeconds: number;
  escalateSeverities: AlertSeverity[];
  repeatedDenials: { count: number; windowSeconds: number };
  /** An online agent that has not applied the current permission version for this long. */
  syncLagSeconds: number;
  /** An agent whose clock differs from the server's by more than this. */
  clockDriftSeconds: number;
  /** Zone level ("0".."3") → alert type → severity, or `off` (no alert at doors into that level). */
  levels: Partial<Record<'0' | '1' | '2' | '3', Partial<Record<AlertType, AlertSeverity | 'off'>>>>;
}

export const DEFAULT_ALERT_RULES: AlertRulesView = {
  escalateAfterSeconds: 300,
  escalateSeverities: ['critical'],
  repeatedDenials: { count: 3, windowSeconds: 60 },
  syncLagSeconds: 60,
  clockDriftSeconds: 30,
  levels: {
    '0': { door_held_prealarm: 'off' },
    '3': { door_held_open: 'critical', escort_violation: 'critical', anti_passback: 'critical' },
  },
};

/**
 * An incident attachment (`POST /api/incidents/:id/notes`, multipart field `attachment`):
 * at most this size, and a PDF, PNG, JPEG, WebP or UTF-8 text by its content.
 */
export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;
