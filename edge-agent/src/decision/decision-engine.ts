/**
 * Decides a badge from the compiled permission set in memory: synchronous, no I/O, and
 * O(1) in the number of cardholders (Map lookups and a bitmap read).
 */
import { isGrantReason, type ReasonCode } from '@acs/shared/access/reason-codes';
import type { CompiledCard, CompiledPermissions } from './compiled-permissions.js';
import { standardRules, type Decision, type DecisionContext, type DecisionRequest, type DecisionRule } from './decision-rules.js';

export class DecisionEngine {
  constructor(private readonly rules: readonly DecisionRule[] = standardRules()) {}

  decide(permissions: CompiledPermissions | null, request: DecisionRequest): Decision {
    if (!permissions) return outcome('no_permission_set', null, null, null);
    const version = permissions.version;
    const door = permissions.doors.get(request.doorId);
    if (!door) return outcome('unknown_door', null, null, version);
    const zoneId = request.direction === 'in' ? door.toZoneId : door.fromZoneId;
    const zone = permissions.zones.get(zoneId);
    // compilePermissionSet guarantees both zones exist; stay fail-secure regardless.
    if (!zone) return outcome('unknown_door', null, zoneId, version);
    const card = permissions.cards.get(request.credential);
    if (!card) return outcome('unknown_card', null, zoneId, version);

    const ctx: DecisionContext = {
      request,
      permissions,
      door,
      zone,
      card,
      grants: [],
      siteTime: () => permissions.clock.at(request.at),
    };
    let reason: ReasonCode = 'granted';
    for (const rule of this.rules) {
      const verdict = rule.check(ctx);
      if (verdict === null) continue;
      reason = verdict;
      if (!isGrantReason(verdict)) break;
    }
    const decision = outcome(reason, card, zoneId, version);
    for (const rule of this.rules) rule.observe?.(ctx, decision);
    return decision;
  }
}

function outcome(reason: ReasonCode, card: CompiledCard | null, zoneId: string | null, permissionVersion: number | null): Decision {
  return { granted: isGrantReason(reason), reason, card, zoneId, permissionVersion };
}
