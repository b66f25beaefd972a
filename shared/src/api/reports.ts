/**
 * Reports: leavers and the proof that every door knows.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { PersonKind } from './people.js';
import type { AgentConfirmationView } from './proof.js';

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
