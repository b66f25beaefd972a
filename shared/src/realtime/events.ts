/**
 * socket.io events between server and dashboard. Names carry a version: when a payload
 * changes, add `...:v2` beside the old name rather than changing it under old clients.
 */
import type { AgentView } from '../api/agents.js';
import type { EventView } from '../api/events.js';
import type { LockdownView } from '../api/lockdown.js';
import type { ReaderView } from '../readers/reader-views.js';
import type { AlertView } from '../api/alerts.js';
import type { VisitView } from '../api/reception.js';
import type { GatePassView } from '../api/equipment.js';

export interface ServerToClientEvents {
  /** A newly stored agent event (access decision, door or device event). */
  'event:v1': (event: EventView) => void;
  /** An agent's online state or applied permission version changed. */
  'agent:v1': (agent: AgentView) => void;
  /** A reader's report or key operation changed (staff only). */
  'reader:v1': (reader: ReaderView) => void;
  /** A lockdown started or ended (staff only). */
  'lockdown:v1': (lockdown: LockdownView) => void;
  /** An alert raised, repeated, acknowledged or cleared (staff only). */
  'alert:v1': (alert: AlertView) => void;
  /** A visit registered, decided, checked in or out (staff, and the host in person). */
  'visit:v1': (visit: VisitView) => void;
  /** A gate pass requested, decided or used (staff, and the requester in person). */
  'gate-pass:v1': (pass: GatePassView) => void;
}

// The dashboard only listens for now; requests go through the REST API.
export type ClientToServerEvents = Record<string, never>;

/** socket.io handshake `auth` payload. */
export interface RealtimeAuth {
  token: string;
}
