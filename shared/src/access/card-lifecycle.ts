/**
 * The card lifecycle of docs/product-rules.md#card-lifecycle as an explicit transition table: the server
 * refuses anything else (409, listing what is allowed) and the dashboard offers only
 * these actions. Type-only imports keep this file free of zod for the browser bundle.
 *
 * requested → approved → issued → active → (suspended | lost | returned | revoked | destroyed)
 */
import type { CardStatus } from './model.js';

export const CARD_TRANSITIONS: Readonly<Record<CardStatus, readonly CardStatus[]>> = {
  // A request is approved by someone else, or withdrawn/refused (revoked). A physical
  // card can be destroyed at any step (spoiled stock, damaged card).
  requested: ['approved', 'revoked', 'destroyed'],
  // The approved card is handed over (issued) by someone other than the approver.
  approved: ['issued', 'revoked', 'destroyed'],
  issued: ['active', 'lost', 'returned', 'revoked', 'destroyed'],
  active: ['suspended', 'lost', 'returned', 'revoked', 'destroyed'],
  suspended: ['active', 'lost', 'returned', 'revoked', 'destroyed'],
  // A lost card stays `lost` so that presenting it later is recognised (reason card_lost);
  // it closes only when found (returned) or destroyed. A replacement is a new card.
  lost: ['returned', 'destroyed'],
  returned: ['destroyed'],
  revoked: ['destroyed'],
  destroyed: [],
};

export function allowedCardTransitions(from: CardStatus): readonly CardStatus[] {
  return CARD_TRANSITIONS[from];
}

export function isCardTransitionAllowed(from: CardStatus, to: CardStatus): boolean {
  return allowedCardTransitions(from).includes(to);
}

/** Statuses after which the card opens nothing it opened before: entering one is a revocation. */
export const CARD_STATUSES_WITHOUT_ACCESS: readonly CardStatus[] = ['suspended', 'lost', 'returned', 'revoked', 'destroyed'];

/** A replacement may be requested for a card in one of these statuses. */
export const REPLACEABLE_CARD_STATUSES: readonly CardStatus[] = ['lost', 'destroyed'];
