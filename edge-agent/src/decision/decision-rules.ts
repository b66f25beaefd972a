/**
 * The rules a badge passes through after the card and door are known, in order; the
 * first rule that denies decides the reason. Each rule is a small object so the rules
 * at the door (lockdown, anti-passback, escort, two-person, offline limit) slot in as
 * further entries, keeping state of their own and learning outcomes through `observe`.
 *
 * docs/product-rules.md#rules-at-the-door.
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
  /** Since when the agent has been out of touch with the server; null or absent while in touch. */
  offlineSince?: number | null;
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

/**
 * Lockdown (site, or a zone and the zones nested in it): every door touching a locked-down
 * zone refuses all but the cards designated for lockdown. Exit buttons are not badges and
 * still release the lock: people must always be able to leave.
 */
export const lockdownRule: DecisionRule = {
  name: 'lockdown',
  check: ({ permissions, door, card }) => {
    const { lockdown } = permissions;
    const affected = lockdown.site || lockdown.zoneIds.has(door.fromZoneId) || lockdown.zoneIds.has(door.toZoneId);
    return affected && !card.lockdownAccess ? 'lockdown' : null;
  },
};

/**
 * Card types with an offline limit (visitors, temporaries) stop working once the agent has
 * been out of touch with the server for longer than the limit: a revocation the agent cannot
 * hear about must not keep a visitor card open for days. Other types keep working.
 */
export const offlineLimitRule: DecisionRule = {
  name: 'offline-limit',
  check: ({ request, card, permissions }) => {
    const limit = permissions.rules.offlineLimitsMs[card.type];
    if (limit === undefined || request.offlineSince === null || request.offlineSince === undefined) return null;
    return request.at - request.offlineSince >= limit ? 'offline_limit' : null;
  },
};

/** Who a card belongs to, for rules that follow people (a person may hold a new card). */
function holderKey(card: CompiledCard): string {
  return card.personId ?? `card:${card.cardId}`;
}

/**
 * Anti-passback: the agent remembers the zone each holder last entered through its doors. A
 * badge into the zone the holder is already in (they never badged out, or passed the card
 * back) is refused in `hard` mode and granted with an alert reason in `soft` mode. The mode
 * is the inner zone's (`toZone`), and governs both directions of its doors.
 *
 * Whereabouts live in memory: after a restart everyone starts "unknown", which forgives
 * rather than locks people in or out (the usual behaviour of controllers after a reset).
 */
export class AntiPassbackRule implements DecisionRule {
  readonly name = 'anti-passback';
  private readonly whereabouts = new Map<string, string>();

  check(ctx: DecisionContext): ReasonCode | null {
    const mode = ctx.permissions.zones.get(ctx.door.toZoneId)?.antiPassback ?? 'off';
    if (mode === 'off') return null;
    if (this.whereabouts.get(holderKey(ctx.card)) !== ctx.zone.id) return null;
    return mode === 'hard' ? 'anti_passback' : 'granted_passback_soft';
  }

  observe(ctx: DecisionContext, decision: Decision): void {
    if (!decision.granted) return;
    const mode = ctx.permissions.zones.get(ctx.door.toZoneId)?.antiPassback ?? 'off';
    if (mode !== 'off') this.whereabouts.set(holderKey(ctx.card), ctx.zone.id);
  }

  /** Where the agent believes a person (or a card without one: `card:<id>`) is. */
  whereIs(key: string): string | null {
    return this.whereabouts.get(key) ?? null;
  }

  /** Forgets one holder, or everyone (a guard's reset after a muster). */
  forgive(key?: string): void {
    if (key === undefined) this.whereabouts.clear();
    else this.whereabouts.delete(key);
  }
}

interface EscortBadge {
  personId: string;
  zoneId: string;
  at: number;
  named: boolean;
}

/** Escort badges remembered per door; a door sees few people within one escort window. */
const ESCORTS_KEPT_PER_DOOR = 16;

/**
 * Visitors at L1+ doors pass only with an escort: the escort badges at the same door (and
 * is granted into the same zone) and the visitor follows within the escort window. A visit
 * that names its escorts accepts only them; otherwise any employee may escort. A visitor
 * who badges first is refused with `escort_required`; the escort's grant then opens the door.
 */
export class EscortRule implements DecisionRule {
  readonly name = 'escort';
  private readonly recent = new Map<string, EscortBadge[]>();

  check(ctx: DecisionContext): ReasonCode | null {
    if (ctx.card.type !== 'visitor' || ctx.zone.level < 1) return null;
    const window = ctx.permissions.rules.escortWindowMs;
    const at = ctx.request.at;
    const named = ctx.card.escortPersonIds;
    const escorted = (this.recent.get(ctx.door.id) ?? []).some(
      (e) => e.zoneId === ctx.zone.id && at - e.at <= window && at >= e.at && (named === null ? e.named : named.has(e.personId)),
    );
    return escorted ? null : 'escort_required';
  }

  observe(ctx: DecisionContext, decision: Decision): void {
    const { card } = ctx;
    if (!decision.granted || card.type === 'visitor' || card.personId === null) return;
    const at = ctx.request.at;
    const window = ctx.permissions.rules.escortWindowMs;
    const kept = (this.recent.get(ctx.door.id) ?? []).filter((e) => at - e.at <= window);
    // `named` marks who may escort a visit that names nobody: employees only.
    kept.push({ personId: card.personId, zoneId: ctx.zone.id, at, named: card.type === 'employee' });
    this.recent.set(ctx.door.id, kept.slice(-ESCORTS_KEPT_PER_DOOR));
  }
}

/**
 * Two-person rule (zones that carry it: L3 by default): the first authorised person at a door is told to wait
 * (`two_person_pending`, no alarm) and the door opens only when a second, different,
 * authorised person badges at the same door in the same direction within the window.
 */
export class TwoPersonRule implements DecisionRule {
  readonly name = 'two-person';
  private readonly pending = new Map<string, { key: string; at: number; direction: string }>();

  check(ctx: DecisionContext): ReasonCode | null {
    if (ctx.zone.twoPerson !== true) return null;
    const first = this.pending.get(ctx.door.id);
    const at = ctx.request.at;
    if (
      first &&
      first.direction === ctx.request.direction &&
      first.key !== holderKey(ctx.card) &&
      at >= first.at &&
      at - first.at <= ctx.permissions.rules.twoPersonWindowMs
    ) {
      return null;
    }
    return 'two_person_pending';
  }

  observe(ctx: DecisionContext, decision: Decision): void {
    if (ctx.zone.twoPerson !== true) return;
    if (decision.reason === 'two_person_pending') {
      this.pending.set(ctx.door.id, { key: holderKey(ctx.card), at: ctx.request.at, direction: ctx.request.direction });
    } else if (decision.granted) {
      this.pending.delete(ctx.door.id);
    }
  }
}

/**
 * Every rule of docs/product-rules.md#rules-at-the-door, in the order their reasons take precedence. Stateful
 * rules (anti-passback, escort, two-person) are new instances per call: one set per engine.
 */
export function standardRules(): DecisionRule[] {
  return [
    cardStatusRule,
    validityRule,
    lockdownRule,
    offlineLimitRule,
    levelCeilingRule,
    zonePermissionRule,
    scheduleRule,
    new AntiPassbackRule(),
    new EscortRule(),
    new TwoPersonRule(),
  ];
}

/** The rules of the walking skeleton only: card, validity, ceiling, permission, schedule. */
export function basicRules(): DecisionRule[] {
  return [cardStatusRule, validityRule, levelCeilingRule, zonePermissionRule, scheduleRule];
}
