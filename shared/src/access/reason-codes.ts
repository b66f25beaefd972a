/**
 * Why a door decision went the way it did. These identifiers are stable: they are
 * stored with every event, exported in reports and translated only at display time
 * (docs/product-rules.md#reason-codes). Add new codes; never rename or reuse one.
 */
export const REASON_CODES = [
  'granted',
  /** Granted although the card is marked inside the target zone (soft anti-passback): alert raised. */
  'granted_passback_soft',
  'unknown_card',
  'card_not_active',
  'card_suspended',
  'card_lost',
  'card_revoked',
  'card_not_yet_valid',
  'card_expired',
  'no_permission',
  'permission_expired',
  'outside_schedule',
  'holiday',
  'level_ceiling',
  'escort_required',
  'two_person_pending',
  'anti_passback',
  'lockdown',
  /** The agent holds no permission set yet: it fails secure. */
  'no_permission_set',
  'unknown_door',
  /** Visitor/temporary cards stop after the agent has been out of touch for too long. */
  'offline_limit',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export function isGrantReason(reason: ReasonCode): boolean {
  return reason === 'granted' || reason === 'granted_passback_soft';
}
