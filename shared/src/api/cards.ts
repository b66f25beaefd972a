/**
 * Cards: credentials, their holders and the steps of their life.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { CardStatus, CardType } from '../access/model.js';
import type { UserRef } from './users.js';

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
  /** Separation of duties (docs/product-rules.md#separation-of-duties): the approver is neither the requester nor the issuer. */
  requestedBy: UserRef | null;
  approvedBy: UserRef | null;
  issuedBy: UserRef | null;
  /** The lost or destroyed card this one replaces. */
  replacesCardId: string | null;
  createdAt: number;
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
