/**
 * Shapes the REST API returns and the dashboard renders. Times are epoch milliseconds.
 * Requests are validated on the server by DTO classes; these are the responses.
 */
import type { AntiPassbackMode, CardStatus, CardType, ReaderDirection, UserRole, ZoneLevel } from '../access/model.js';
import type { ReasonCode } from '../access/reason-codes.js';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  personId: string | null;
  locale: Locale;
}

export interface LoginResponse {
  token: string;
  expiresAt: number;
  user: UserView;
}

export interface ZoneView {
  id: string;
  name: string;
  level: ZoneLevel;
  parentId: string | null;
  ownerPersonId: string | null;
  antiPassback: AntiPassbackMode;
  /** Two authorised people must badge together to enter. */
  twoPerson: boolean;
}

export interface DoorView {
  id: string;
  name: string;
  fromZoneId: string;
  toZoneId: string;
  agentId: string | null;
  releaseMs: number;
  heldOpenMs: number;
  /** What the lock does without power (recorded; the agent's configuration drives the relay). */
  failMode: DoorFailMode;
}

export type DoorFailMode = 'secure' | 'safe';

export type PersonKind = 'employee' | 'contractor' | 'visitor';
export type PersonStatus = 'active' | 'departed';

export interface PersonView {
  id: string;
  name: string;
  kind: PersonKind;
  department: string | null;
  email: string | null;
  status: PersonStatus;
  /** When the person was marked departed (the leaver rule), else null. */
  departedAt: number | null;
}

export interface CardView {
  id: string;
  credential: string;
  /** The number as people read it (FC:CN, 10-digit EM number). */
  display: string;
  type: CardType;
  status: CardStatus;
  personId: string | null;
  holder: string | null;
  validFrom: number | null;
  validUntil: number | null;
  /** Recorded exception lifting the card above its type's ceiling, else null. */
  levelCeilingOverride: number | null;
  /** Designated for lockdown (opens within its grants while doors are locked down). */
  lockdownAccess: boolean;
  statusChangedAt: number;
  /** Separation of duties (requirements §3): the approver is neither the requester nor the issuer. */
  requestedBy: UserRef | null;
  approvedBy: UserRef | null;
  issuedBy: UserRef | null;
  /** The lost or destroyed card this one replaces. */
  replacesCardId: string | null;
  createdAt: number;
}

export type EventKind = 'access' | 'door' | 'device';

export interface EventView {
  eventId: string;
  agentId: string;
  /** The reader or other device of a device event. */
  deviceId?: string | null;
  seq: number;
  kind: EventKind;
  /** Device time, or the server's receive time when the device's was not believable. */
  occurredAt: number;
  /** Server time when first stored. */
  receivedAt: number;
  /**
   * Set when the device's own time was outside the window the server accepts (a clock far
   * off, or an agent lying): what the device said. Such events never move presence.
   */
  deviceOccurredAt?: number | null;
  doorId: string | null;
  doorName: string | null;
  /** Access events: reader direction; door/device events: null. */
  direction: ReaderDirection | null;
  zoneId: string | null;
  credential: string | null;
  credentialDisplay: string | null;
  cardId: string | null;
  personId: string | null;
  holder: string | null;
  granted: boolean | null;
  reason: ReasonCode | null;
  /** Door and device events: what happened (`forced_open`, `reader_fault`, ...). */
  type: string | null;
  detail: string | null;
}

export interface AgentView {
  id: string;
  name: string;
  online: boolean;
  lastSeenAt: number | null;
  /** Latest permission version compiled for this agent. */
  targetVersion: number;
  appliedVersion: number | null;
  appliedAt: number | null;
  /** Whether the hash the agent reported equals what the server compiled for that version. */
  hashMatches: boolean | null;
  doors: string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, null at the end. */
  next: string | null;
}

/** Error body of every failed API call. */
export interface ApiError {
  statusCode: number;
  /** Stable machine-readable code, e.g. `validation_failed`, `forbidden`. */
  error: string;
  message: string | string[];
}

/** `GET /api/health`, the only route besides sign-in that needs no session. */
export interface HealthView {
  status: 'ok';
  mode: 'demo' | 'production';
  version: string;
}

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

/** Answer of `POST /api/agents`: the MQTT password is shown this once and stored only as a hash. */
export interface CreatedAgentView {
  agent: AgentView;
  mqttPassword: string;
}

/** An account as administrators see it (`GET /api/users`). */
export interface UserAccountView extends UserView {
  /** A disabled account cannot sign in and its sessions have ended. */
  disabled: boolean;
  createdAt: number;
}

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

// ---------------------------------------------------------------- issue 4: zones, cards, permissions, proof

/** A user named on a record (who requested, approved, decided…). */
export interface UserRef {
  id: string;
  name: string;
}

export interface HolidayView {
  /** `YYYY-MM-DD` in the site's time zone. */
  date: string;
  name: string;
}

export interface CardTypeSettingsView {
  /** Highest zone level the type may open without a recorded exception. */
  ceiling: ZoneLevel;
  /** Validity given to a new card of this type when it is activated without an end; null: no end. */
  validityDays: number | null;
}

/** `GET /api/site`: settings that shape what every door decides, and the labels of levels. */
export interface SiteView {
  name: string;
  /** IANA time zone in which schedules and holidays are read. */
  timeZone: string;
  holidays: HolidayView[];
  /** Custom level names set by the site (level number → name); absent levels use the default names. */
  levelNames: Record<string, string>;
  cardTypes: Record<CardType, CardTypeSettingsView>;
  doorRules: DoorRulesView;
  permissionVersion: number;
}

/** Rule tunables the agents receive (issue 3). */
export interface DoorRulesView {
  escortWindowSec: number;
  twoPersonWindowSec: number;
  /** Card type → hours without server contact before the agent refuses the card; null: no limit. */
  offlineLimitHours: Record<CardType, number | null>;
}

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

/** A department and the zones its members get by default (levels L0/L1 only). */
export interface DepartmentView {
  id: string;
  name: string;
  defaultZones: DepartmentZoneView[];
  /** People currently in the department (departed people excluded). */
  memberCount: number;
}

export interface DepartmentZoneView {
  zoneId: string;
  scheduleId: string | null;
}

/** One step of a card's life, with who made it (separation of duties is checked on these). */
export interface CardHistoryView {
  id: string;
  cardId: string;
  from: CardStatus | null;
  to: CardStatus;
  at: number;
  actor: UserRef | null;
  note: string | null;
}

/** Answer of a card transition: the card and the permission version that carries the change to the doors. */
export interface CardTransitionResult {
  card: CardView;
  permissionVersion: number;
}

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

/** When one agent confirmed (applied with a matching hash) a version at or after a change. */
export interface AgentConfirmationView {
  agentId: string;
  agentName: string;
  /** The version the agent confirmed, at or after the change's version; null: not yet. */
  confirmedVersion: number | null;
  /** Server time of the confirmation; null: not yet. */
  confirmedAt: number | null;
  /** `confirmedAt - change.at` in ms. */
  delayMs: number | null;
}

/** Proof that a change that takes access away reached the doors (requirements §2, leavers). */
export interface RevocationProofView {
  version: number;
  /** The admin's click, server time. */
  at: number;
  reason: string;
  actor: UserRef | null;
  cardIds: string[];
  personIds: string[];
  agents: AgentConfirmationView[];
  /** Every affected agent confirmed. */
  complete: boolean;
  /** Time from the click to the last affected agent's confirmation, when complete. */
  delayMs: number | null;
}

/** A change an agent has not confirmed yet. */
export interface MissingChangeView {
  version: number;
  at: number;
  reason: string;
  revokes: boolean;
}

/** `GET /api/agents/lag`: each agent against the current permission version. */
export interface AgentLagView {
  agentId: string;
  agentName: string;
  online: boolean;
  lastSeenAt: number | null;
  appliedVersion: number | null;
  appliedAt: number | null;
  hashMatches: boolean | null;
  currentVersion: number;
  /** Holds an older version than the current one, or a content hash that differs. */
  behind: boolean;
  /** Changes after the applied version (newest last, at most 100). */
  missing: MissingChangeView[];
  missingCount: number;
  /** Of the missing changes, those that take access away. */
  missingRevocations: number;
  /** Since when the agent has been behind: the click time of the oldest missing change. */
  behindSince: number | null;
}

/** `GET /api/reports/leavers`: a departed person and the proof that every door knows. */
export interface LeaverView {
  personId: string;
  name: string;
  kind: PersonKind;
  department: string | null;
  departedAt: number;
  /** The permission version that revoked everything; null for a departure before proofs were kept. */
  version: number | null;
  /** When access was revoked (the click), server time. */
  revokedAt: number | null;
  cardsRevoked: number;
  grantsEnded: number;
  agents: AgentConfirmationView[];
  /** When the last agent confirmed; null while any agent has not. */
  allConfirmedAt: number | null;
  pendingAgentIds: string[];
}
