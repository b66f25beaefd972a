import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CARD_TYPES, type CardType, DEFAULT_CARD_TYPE_CEILINGS } from '@acs/shared/access/model';
import type { CardTypeSettingsView, SiteView } from '@acs/shared/api/site';
import type { Actor } from '../common/actor.js';
import { invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import type { UpdateSiteDto } from './dto/update-site.dto.js';
import { PermissionChangesService } from './permission-changes.service.js';
import { type DoorRuleSettings, SiteSettingsEntity } from './site-settings.entity.js';
import { effectiveDoorRules, mergeDoorRules } from './door-rules.js';
import { SiteService } from './site.service.js';

/**
 * Default validity of a new card by type, in days (null: until revoked or departed).
 * Contractors and temporaries are renewed deliberately; visitor cards last a day.
 */
export const DEFAULT_CARD_TYPE_VALIDITY_DAYS: Readonly<Record<CardType, number | null>> = {
  employee: null,
  contractor: 180,
  temporary: 30,
  visitor: 1,
};

const MAX_LEVEL = 9;
const MAX_VALIDITY_DAYS = 3660;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

function isRealDate(date: string): boolean {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === date;
}

export function cardTypeSettings(site: SiteSettingsEntity): Record<CardType, CardTypeSettingsView> {
  const out = {} as Record<CardType, CardTypeSettingsView>;
  for (const type of CARD_TYPES) {
    const validity = site.cardTypeValidityDays?.[type];
    out[type] = {
      ceiling: site.cardTypeCeilings[type] ?? DEFAULT_CARD_TYPE_CEILINGS[type],
      validityDays: validity === undefined ? DEFAULT_CARD_TYPE_VALIDITY_DAYS[type] : validity,
    };
  }
  return out;
}

export function toSiteView(site: SiteSettingsEntity): SiteView {
  const names = site.holidayNames ?? {};
  return {
    name: site.name,
    timeZone: site.timeZone,
    holidays: [...site.holidays].sort().map((date) => ({ date, name: names[date] ?? '' })),
    levelNames: { ...(site.levelNames ?? {}) },
    cardTypes: cardTypeSettings(site),
    doorRules: effectiveDoorRules(site),
    permissionVersion: site.permissionVersion,
  };
}

/**
 * The site settings admins edit: name, time zone, holiday calendar, level names and card
 * types. Time zone, holidays and ceilings reach the agents (a structural change); names and
 * default validity do not (they shape labels and new cards only), so they raise no version.
 */
@Injectable()
export class SiteAdminService {
  constructor(
    @InjectRepository(SiteSettingsEntity) private readonly repo: Repository<SiteSettingsEntity>,
    private readonly site: SiteService,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async view(): Promise<SiteView> {
    return toSiteView(await this.site.get());
  }

  async update(dto: UpdateSiteDto, actor: Actor): Promise<SiteView> {
    const site = await this.site.get();
    const problems: string[] = [];
    const reachesDoors: string[] = [];

    if (dto.timeZone !== undefined) {
      if (!isTimeZone(dto.timeZone)) problems.push(`timeZone: ${dto.timeZone} is not an IANA time zone such as Asia/Shanghai`);
      else if (dto.timeZone !== site.timeZone) reachesDoors.push('time zone');
    }

    let holidays: string[] | undefined;
    let holidayNames: Record<string, string> | undefined;
    if (dto.holidays !== undefined) {
      holidays = [];
      holidayNames = {};
      dto.holidays.forEach((h, i) => {
        if (!isRealDate(h.date)) problems.push(`holidays.${i}.date: ${h.date} is not a calendar date`);
        else if (holidayNames![h.date] !== undefined) problems.push(`holidays.${i}.date: ${h.date} is listed twice`);
        else {
          holidays!.push(h.date);
          holidayNames![h.date] = h.name.trim();
        }
      });
      holidays.sort();
      if (JSON.stringify(holidays) !== JSON.stringify([...site.holidays].sort())) reachesDoors.push('holidays');
    }

    let levelNames: Record<string, string> | undefined;
    if (dto.levelNames !== undefined) {
      levelNames = { ...(site.levelNames ?? {}) };
      for (const [key, value] of Object.entries(dto.levelNames)) {
        const level = Number(key);
        if (!/^\d$/.test(key) || level > MAX_LEVEL) problems.push(`levelNames.${key}: levels are 0-${MAX_LEVEL}`);
        else if (typeof value !== 'string' || value.trim().length > 50)
          problems.push(`levelNames.${key} must be a name of at most 50 characters`);
        else if (value.trim() === '') delete levelNames[key];
        else levelNames[key] = value.trim();
      }
    }

    let ceilings: Record<CardType, number> | undefined;
    let validity: Partial<Record<CardType, number | null>> | undefined;
    if (dto.cardTypes !== undefined) {
      ceilings = { ...site.cardTypeCeilings };
      validity = { ...(site.cardTypeValidityDays ?? {}) };
      for (const [type, value] of Object.entries(dto.cardTypes)) {
        if (!(CARD_TYPES as readonly string[]).includes(type)) {
          problems.push(`cardTypes.${type}: card types are ${CARD_TYPES.join(', ')}`);
          continue;
        }
        const settings = value as Record<string, unknown>;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          problems.push(`cardTypes.${type} must be an object { ceiling?, validityDays? }`);
          continue;
        }
        for (const field of Object.keys(settings)) {
          if (field !== 'ceiling' && field !== 'validityDays')
            problems.push(`cardTypes.${type}.${field}: property ${field} should not exist`);
        }
        if (settings.ceiling !== undefined) {
          const ceiling = settings.ceiling;
          if (!Number.isInteger(ceiling) || (ceiling as number) < 0 || (ceiling as number) > MAX_LEVEL) {
            problems.push(`cardTypes.${type}.ceiling must be a level 0-${MAX_LEVEL}`);
          } else if (type === 'visitor' && (ceiling as number) >= 3) {
            problems.push('cardTypes.visitor.ceiling: visitor cards never open L3 zones');
          } else {
            ceilings[type as CardType] = ceiling as number;
          }
        }
        if (settings.validityDays !== undefined) {
          const days = settings.validityDays;
          if (days !== null && (!Number.isInteger(days) || (days as number) < 1 || (days as number) > MAX_VALIDITY_DAYS)) {
            problems.push(`cardTypes.${type}.validityDays must be a whole number of days 1-${MAX_VALIDITY_DAYS}, or null for no end`);
          } else {
            validity[type as CardType] = days as number | null;
          }
        }
      }
      if (JSON.stringify(ceilings) !== JSON.stringify(site.cardTypeCeilings)) reachesDoors.push('card type ceilings');
    }
    let doorRules: DoorRuleSettings | undefined;
    if (dto.doorRules !== undefined) {
      const merged = mergeDoorRules(site.doorRules, dto.doorRules);
      problems.push(...merged.problems);
      doorRules = merged.rules;
      if (JSON.stringify(effectiveDoorRules({ doorRules })) !== JSON.stringify(effectiveDoorRules(site))) reachesDoors.push('door rules');
    }
    if (problems.length) throw invalid(problems);

    if (doorRules) site.doorRules = doorRules;
    if (dto.name !== undefined) site.name = dto.name.trim();
    if (dto.timeZone !== undefined) site.timeZone = dto.timeZone;
    if (holidays) {
      site.holidays = holidays;
      site.holidayNames = holidayNames!;
    }
    if (levelNames) site.levelNames = levelNames;
    if (ceilings) site.cardTypeCeilings = ceilings;
    if (validity) site.cardTypeValidityDays = validity;
    site.updatedAt = this.clock.now();
    // Saved without the permission version, which record() raises concurrently on this row:
    // save() writes only the columns present on the object.
    const { permissionVersion: _version, lockdown: _lockdown, ...columns } = site;
    await this.repo.save(columns);
    if (reachesDoors.length) {
      await this.changes.record(`site settings changed: ${reachesDoors.join(', ')}`, { structural: true, actorUserId: actor.id });
    }
    return this.view();
  }
}
