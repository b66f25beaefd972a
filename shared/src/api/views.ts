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
}

export interface DoorView {
  id: string;
  name: string;
  fromZoneId: string;
  toZoneId: string;
  agentId: string | null;
  releaseMs: number;
  heldOpenMs: number;
}

export type PersonKind = 'employee' | 'contractor' | 'visitor';
export type PersonStatus = 'active' | 'departed';

export interface PersonView {
  id: string;
  name: string;
  kind: PersonKind;
  department: string | null;
  email: string | null;
  status: PersonStatus;
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
}

export type EventKind = 'access' | 'door' | 'device';

export interface EventView {
  eventId: string;
  agentId: string;
  seq: number;
  kind: EventKind;
  /** Device time. */
  occurredAt: number;
  /** Server time when first stored. */
  receivedAt: number;
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
