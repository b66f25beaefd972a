import type { CardStatus } from '@acs/shared/access/model';

/**
 * Statuses after which the physical card may be issued again (to someone else). Outside the
 * entity file so other domains (the permission compiler) can name them without the table.
 */
export const CLOSED_CARD_STATUSES: readonly CardStatus[] = ['returned', 'revoked', 'destroyed'];
