/**
 * Grants: the live permissions of people for zones.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

/** A live permission of a person for a zone. */
export interface GrantView {
  id: string;
  personId: string;
  zoneId: string;
  /** null: at any time. */
  scheduleId: string | null;
  validUntil: number | null;
  createdAt: number;
}
