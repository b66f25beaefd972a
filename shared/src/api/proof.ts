/**
 * Proof that a change taking access away reached the doors.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { UserRef } from './users.js';

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

/** Proof that a change that takes access away reached the doors (docs/product-rules.md#proof-at-the-doors). */
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
