/**
 * Access reviews: campaigns that recertify grants, zone owner by zone owner.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { UserRef } from './users.js';

export type ReviewCampaignStatus = 'open' | 'closed';

export type ReviewDecision = 'keep' | 'remove';

export interface ReviewProgressView {
  total: number;
  decided: number;
  kept: number;
  removed: number;
}

export interface ReviewCampaignView {
  id: string;
  name: string;
  status: ReviewCampaignStatus;
  zoneIds: string[];
  startedBy: UserRef | null;
  startedAt: number;
  dueAt: number | null;
  closedAt: number | null;
  /** For an employee: the items of the zones they own; for staff: the whole campaign. */
  progress: ReviewProgressView;
}

/** One grant to recertify, as it was when the campaign started. */
export interface ReviewItemView {
  id: string;
  campaignId: string;
  grantId: string;
  personId: string;
  personName: string;
  zoneId: string;
  zoneName: string;
  scheduleId: string | null;
  validUntil: number | null;
  ownerPersonId: string | null;
  decision: ReviewDecision | null;
  decidedBy: UserRef | null;
  decidedAt: number | null;
  note: string | null;
}

export interface ReviewCampaignDetailView {
  campaign: ReviewCampaignView;
  items: ReviewItemView[];
}
