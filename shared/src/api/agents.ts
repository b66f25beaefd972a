/**
 * Edge agents: their state, their accounts, and how far behind the current permissions they are.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

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

/** Answer of `POST /api/agents`: the MQTT password is shown this once and stored only as a hash. */
export interface CreatedAgentView {
  agent: AgentView;
  mqttPassword: string;
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
