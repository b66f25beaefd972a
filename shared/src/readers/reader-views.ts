/**
 * REST views of readers (`/api/readers`). Times are epoch milliseconds (server time,
 * except `provisioningUntil`, which is the agent's).
 */
import type { ReaderDirection } from '../access/model.js';
import type { OsdpCapability, OsdpIdentity, SecureChannelState } from './reader-report.js';

export const READER_KEY_OPERATION_KINDS = ['provisioning_window', 'key_install', 'key_rotate'] as const;
export type ReaderKeyOperationKind = (typeof READER_KEY_OPERATION_KINDS)[number];

/** `sent`: on its way to the agent (or waiting for its answer); `done`/`failed`: the agent's answer. */
export const READER_KEY_OPERATION_STATUSES = ['sent', 'done', 'failed'] as const;
export type ReaderKeyOperationStatus = (typeof READER_KEY_OPERATION_STATUSES)[number];

export interface ReaderKeyOperationView {
  id: string;
  /** The reader's id (`<agentId>.<readerId>`). */
  readerRef: string;
  kind: ReaderKeyOperationKind;
  status: ReaderKeyOperationStatus;
  requestedAt: number;
  completedAt: number | null;
  actorUserId: string | null;
  actorName: string | null;
  /** Key id (never the key) for key operations. */
  keyId: string | null;
  /** Window length for provisioning windows, the agent's error for failures. */
  detail: string | null;
}

export interface ReaderOsdpView {
  address: number;
  baudRate: number;
  line: string;
  identity: OsdpIdentity | null;
  capabilities: OsdpCapability[] | null;
  secureChannel: SecureChannelState;
  provisioningUntil: number | null;
}

export interface ReaderKeyView {
  keyId: string;
  /** When the reader confirmed it (server time of the agent's report). */
  installedAt: number;
  /** Whether the agent reports this key as the one in force. */
  inForce: boolean;
}

export interface ReaderView {
  /** `<agentId>.<readerId>`: unique across agents, safe in a URL. */
  id: string;
  agentId: string;
  readerId: string;
  /** `osdp`, `rdm6300`, ... */
  type: string;
  doorId: string;
  direction: ReaderDirection;
  /** The reader works and its agent is connected. */
  online: boolean;
  agentOnline: boolean;
  /** Stable fault code the agent reported (`no_response`, `secure_channel_failed`, ...). */
  fault: string | null;
  osdp: ReaderOsdpView | null;
  /** The server's record of the reader's key, if it installed one. */
  key: ReaderKeyView | null;
  reportedAt: number;
  lastOperation: ReaderKeyOperationView | null;
}

/** Separator of agent and reader id in a reader's REST id (neither may contain it). */
export const READER_REF_SEPARATOR = '.';

export function readerRef(agentId: string, readerId: string): string {
  return `${agentId}${READER_REF_SEPARATOR}${readerId}`;
}

export function parseReaderRef(ref: string): { agentId: string; readerId: string } | null {
  const parts = ref.split(READER_REF_SEPARATOR);
  if (parts.length !== 2) return null;
  const [agentId, readerId] = parts as [string, string];
  const slug = /^[a-z0-9][a-z0-9-]{0,62}$/;
  return slug.test(agentId) && slug.test(readerId) ? { agentId, readerId } : null;
}
