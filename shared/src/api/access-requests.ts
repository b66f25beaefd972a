/**
 * Access requests: a person asks for a zone, its owner decides.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { ZoneLevel } from '../access/model.js';
import type { UserRef } from './users.js';

export type AccessRequestStatus = 'pending' | 'approved' | 'refused' | 'cancelled';

export interface AccessRequestView {
  id: string;
  personId: string;
  personName: string;
  zoneId: string;
  zoneName: string;
  zoneLevel: ZoneLevel;
  scheduleId: string | null;
  /** Requested end of the permission; null: no end. */
  validUntil: number | null;
  reason: string;
  status: AccessRequestStatus;
  requestedBy: UserRef | null;
  requestedAt: number;
  /** The zone's owner, who decides (an admin may too). */
  ownerPersonId: string | null;
  decidedBy: UserRef | null;
  decidedAt: number | null;
  decisionReason: string | null;
  /** The grant an approval created. */
  grantId: string | null;
}
