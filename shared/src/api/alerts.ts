/**
 * Alerts (docs/product-rules.md#alerts): the types, how severe each is, and the view the dashboard shows.
 * Identifiers are stable: stored, exported, translated only at display time.
 */
export const ALERT_TYPES = [
  'door_forced',
  'door_held_prealarm',
  'door_held_open',
  'card_lost_used',
  'card_revoked_used',
  'card_expired_used',
  'anti_passback',
  'escort_violation',
  'repeated_denials',
  'reader_fault',
  'tamper',
  'agent_offline',
  'visit_overstay',
  'equipment_overdue',
  'seal_broken',
  'watchlist_match',
  'visitor_items_mismatch',
  'equipment_stopped',
  'media_unregistered',
  'visit_forced_signout',
  'sync_lagging',
  'clock_drift',
  'agent_refused',
  'events_missing',
  'agent_outdated',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_SEVERITY: Readonly<Record<AlertType, AlertSeverity>> = {
  door_forced: 'critical',
  door_held_prealarm: 'info',
  door_held_open: 'warning',
  card_lost_used: 'critical',
  card_revoked_used: 'warning',
  card_expired_used: 'info',
  anti_passback: 'warning',
  escort_violation: 'warning',
  repeated_denials: 'warning',
  reader_fault: 'warning',
  tamper: 'critical',
  agent_offline: 'critical',
  visit_overstay: 'warning',
  equipment_overdue: 'info',
  seal_broken: 'critical',
  watchlist_match: 'critical',
  visitor_items_mismatch: 'warning',
  equipment_stopped: 'warning',
  media_unregistered: 'warning',
  visit_forced_signout: 'info',
  sync_lagging: 'warning',
  clock_drift: 'warning',
  agent_refused: 'warning',
  events_missing: 'warning',
  agent_outdated: 'critical',
};

/**
 * `open`: nobody has acknowledged it; `acknowledged`: a guard has, the condition may persist;
 * `cleared`: the condition ended (door closed, agent back) and it was acknowledged.
 */
export const ALERT_STATUSES = ['open', 'acknowledged', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertView {
  id: string;
  type: AlertType;
  severity: AlertSeverity;
  status: AlertStatus;
  /** The condition still holds (door still open, agent still offline); repeats update this alert. */
  active: boolean;
  doorId: string | null;
  doorName: string | null;
  agentId: string | null;
  personId: string | null;
  holder: string | null;
  credential: string | null;
  detail: string | null;
  /** Occurrences folded into this alert while its condition persisted. */
  count: number;
  firstAt: number;
  lastAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
  /**
   * Unacknowledged past the site's escalation time (docs/product-rules.md#alert-rules-and-escalation):
   * shown to every admin as escalated.
   */
  escalatedAt: number | null;
  /** The incident the alert became, if any. */
  incidentId: string | null;
}
