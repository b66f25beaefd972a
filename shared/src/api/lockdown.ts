/**
 * Lockdowns of the site or of zones.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

/** A lockdown in force: who started it, when, why. */
export interface LockdownPartView {
  startedAt: number;
  startedBy: string | null;
  reason: string;
}

/** `GET /api/lockdown`. */
export interface LockdownView {
  site: LockdownPartView | null;
  zones: Array<LockdownPartView & { zoneId: string; zoneName: string }>;
  active: boolean;
}
