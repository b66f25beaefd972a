/**
 * The tunables of the rules agents enforce at the door, as admins set them (seconds and
 * hours) with the product's defaults filled in. Visitors and temporaries stop working after
 * a limited time out of touch with the server, so a revocation that cannot reach a cut-off
 * door ends by itself; employees and contractors keep working (the site must not stop).
 */
import { CARD_TYPES, type CardType } from '@acs/shared/access/model';
import type { DoorRulesView } from '@acs/shared/api/site';
import type { DoorRuleSettings, SiteSettingsEntity } from './site-settings.entity.js';

export const DEFAULT_DOOR_RULES: DoorRulesView = {
  escortWindowSec: 30,
  twoPersonWindowSec: 15,
  offlineLimitHours: { employee: null, contractor: null, temporary: 24, visitor: 12 },
};

export const DOOR_RULE_LIMITS = { windowSec: [1, 600], offlineHours: [1, 720] } as const;

export function effectiveDoorRules(site: Pick<SiteSettingsEntity, 'doorRules'>): DoorRulesView {
  const set = site.doorRules ?? {};
  const offline = {} as Record<CardType, number | null>;
  for (const type of CARD_TYPES) {
    const value = set.offlineLimitHours?.[type];
    offline[type] = value === undefined ? DEFAULT_DOOR_RULES.offlineLimitHours[type] : value;
  }
  return {
    escortWindowSec: set.escortWindowSec ?? DEFAULT_DOOR_RULES.escortWindowSec,
    twoPersonWindowSec: set.twoPersonWindowSec ?? DEFAULT_DOOR_RULES.twoPersonWindowSec,
    offlineLimitHours: offline,
  };
}

/** Merges an admin's change into the stored settings; returns the problems, each with its path. */
export function mergeDoorRules(current: DoorRuleSettings | null, input: unknown): { rules: DoorRuleSettings; problems: string[] } {
  const rules: DoorRuleSettings = { ...(current ?? {}), offlineLimitHours: { ...(current?.offlineLimitHours ?? {}) } };
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { rules, problems: ['doorRules must be an object { escortWindowSec?, twoPersonWindowSec?, offlineLimitHours? }'] };
  }
  const [minWindow, maxWindow] = DOOR_RULE_LIMITS.windowSec;
  const [minHours, maxHours] = DOOR_RULE_LIMITS.offlineHours;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'escortWindowSec' || key === 'twoPersonWindowSec') {
      if (!Number.isInteger(value) || (value as number) < minWindow || (value as number) > maxWindow) {
        problems.push(`doorRules.${key} must be a whole number of seconds ${minWindow}-${maxWindow}`);
      } else rules[key] = value as number;
    } else if (key === 'offlineLimitHours') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push('doorRules.offlineLimitHours must be an object: card type → hours or null');
        continue;
      }
      for (const [type, hours] of Object.entries(value as Record<string, unknown>)) {
        if (!(CARD_TYPES as readonly string[]).includes(type))
          problems.push(`doorRules.offlineLimitHours.${type}: card types are ${CARD_TYPES.join(', ')}`);
        else if (hours !== null && (!Number.isInteger(hours) || (hours as number) < minHours || (hours as number) > maxHours)) {
          problems.push(`doorRules.offlineLimitHours.${type} must be whole hours ${minHours}-${maxHours}, or null for no limit`);
        } else rules.offlineLimitHours![type as CardType] = hours as number | null;
      }
    } else {
      problems.push(`doorRules.${key}: property ${key} should not exist`);
    }
  }
  return { rules, problems };
}
