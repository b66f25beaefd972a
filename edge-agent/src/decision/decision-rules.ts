/**
 * The rules a badge passes through after the card and door are known, in order; the
 * first rule that denies decides the reason. Each rule is a small object so the rules
 * of issue 3 (lockdown, anti-passback, escort, two-person, offline limit) slot in as
 * further entries, keeping state of their own and learning outcomes through `observe`.
 *
 * Requirements §1, "Rules enforced at the door".
 */
import type { ReaderDirection } from '@acs/shared/access/model';
import type { ReasonCode } from '@acs/shared/access/reason-codes';
import type { PermissionDoor, PermissionZone } from '@acs/shared/mqtt/payloads';
import type { CompiledCard, CompiledGrant, CompiledPermissions } from './compiled-permissions.js';
import type { SiteTime } from './site-clock.js';

export interface DecisionRequest {
  credential: string;
  doorId: string;
  direction: ReaderDirection;
  /** Epoch ms of the badge. */
  at: number;
}

export interface Decision {
  granted: boolean;
  reason: ReasonCode;
  /** The card, when the credential is known. */
  card: CompiledCard | null;
  /** The zone the holder asked to enter, when the door is known. */
  zoneId: string | null;
  permissionVersion: number | null;
}

export interface DecisionContext {
  readonly request: DecisionRequest;
  readonly permissions: CompiledPermissions;
  readonly door: PermissionDoor;
  /** The target zone: the door's `to` zone for `in`, its `from` zone for `out`. */
  readonly zone: PermissionZone;
  readonly card: CompiledCard;
  /** The card's grants for the target zone that are in force (filled by the permission rule). */
  grants: readonly CompiledGrant[];
  /** Local site time of the badge (cached per minute). */
  siteTime(): SiteTime;
}

export interface DecisionRule {
  readonly name: string;
  /**
   * A deny reason, a grant reason carrying a note (`granted_passback_soft`), or null to
   * let the next rule decide.
   */
  check(ctx: DecisionContext): ReasonCode | null;
  /** Sees every decision that reached the rules, e.g. to track who is inside a zone. */
  observe?(ctx: DecisionContext, decision: Decision): void;
}

export const cardStatusRule: DecisionRule = {
  name: 'card-status',
  check: ({ card }) => {
    switch (card.status) {
      case 'active':
        return null;
      case 'suspended':
        return 'card_suspended';
      case 'lost':
        return 'card_lost';
      case 'revoked':
        return 'card_revoked';
      default:
        return 'card_not_active';
    }
  },
};

export const validityRule: DecisionRule = {
  name: 'validity-window',
  check: ({ card, request }) => {
    if (card.validFrom !== null && request.at < card.validFrom) return 'card_not_yet_valid';
    if (card.validUntil !== null && request.at >= card.validUntil) return 'card_expired';
    return null;
  },
};

/** Card-type ceilings: visitors never open L3, contractors and temporaries stop at L2, unless an exception is recorded. */
export const levelCeilingRule: DecisionRule = {
  name: 'level-ceiling',
  check: ({ card, zone }) => (zone.level > card.ceiling ? 'level_ceiling' : null),
};

export const zonePermissionRule: DecisionRule = {
  name: 'zone-permission',
  check: (ctx) => {
    const grants = ctx.card.grants.get(ctx.zone.id);
    if (!grants || grants.length === 0) return 'no_permission';
    const at = ctx.request.at;
    const inForce = grants.filter((g) => g.validUntil === null || at < g.validUntil);
    if (inForce.length === 0) return 'permission_expired';
    ctx.grants = inForce;
    return null;
  },
};

export const scheduleRule: DecisionRule = {
  name: 'schedule',
  check: (ctx) => {
    let closedByHoliday = false;
    for (const grant of ctx.grants) {
      if (grant.schedule === null) return null;
      // A schedule the set does not define never matches: fail secure.
      if (grant.schedule === undefined) continue;
      const local = ctx.siteTime();
      if (grant.schedule.closedOnHolidays && ctx.permissions.holidays.has(local.date)) {
        closedByHoliday = true;
        continue;
      }
      if (grant.schedule.allows(local.weekday, local.minuteOfDay)) return null;
    }
    return closedByHoliday ? 'holiday' : 'outside_schedule';
  },
};

/** The rules of the walking skeleton, in the order their reasons take precedence. */
export function standardRules(): DecisionRule[] {
  return [cardStatusRule, validityRule, levelCeilingRule, zonePermissionRule, scheduleRule];
}
