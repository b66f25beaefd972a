import { Injectable } from '@nestjs/common';
import { ALERT_SEVERITY, type AlertSeverity } from '@acs/shared/api/alerts';
import { type AlertRulesView, DEFAULT_ALERT_RULES } from '@acs/shared/api/incidents';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DoorsService } from '../doors/doors.service.js';
import { SiteService } from '../site/site.service.js';
import { ZonesService } from '../zones/zones.service.js';
import type { Occurrence } from './alert-triggers.js';

/** The site's rules with the defaults filled in (level overrides merge per level). */
export function effectiveAlertRules(stored: Partial<AlertRulesView> | null | undefined): AlertRulesView {
  const rules = { ...DEFAULT_ALERT_RULES, ...(stored ?? {}) };
  const levels: AlertRulesView['levels'] = {};
  for (const level of ['0', '1', '2', '3'] as const) {
    const merged = { ...(DEFAULT_ALERT_RULES.levels[level] ?? {}), ...(stored?.levels?.[level] ?? {}) };
    if (Object.keys(merged).length) levels[level] = merged;
  }
  return { ...rules, repeatedDenials: { ...DEFAULT_ALERT_RULES.repeatedDenials, ...(stored?.repeatedDenials ?? {}) }, levels };
}

/**
 * The site's alert rules (thresholds, escalation, severity per zone level) and the
 * severity they give an occurrence at its door.
 */
@Injectable()
export class AlertRulesService {
  /**
   * Door → level of the zone it leads into, refreshed every 30 s (alert rules per level). A
   * per-instance cache of configuration: another instance's copy is at most as stale.
   */
  private doorLevels: { at: number; levels: Map<string, number> } | null = null;

  constructor(
    private readonly site: SiteService,
    private readonly doors: DoorsService,
    private readonly zones: ZonesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async rules(): Promise<AlertRulesView> {
    return effectiveAlertRules(await this.site.storedAlertRules());
  }

  async updateRules(patch: Partial<AlertRulesView>): Promise<AlertRulesView> {
    const current = await this.rules();
    const next: AlertRulesView = {
      ...current,
      ...patch,
      repeatedDenials: { ...current.repeatedDenials, ...(patch.repeatedDenials ?? {}) },
      levels: { ...current.levels, ...(patch.levels ?? {}) },
    };
    await this.site.setAlertRules(next);
    await this.audit.record({ action: 'alert.rules', entityType: 'site', entityId: null, detail: JSON.stringify(patch).slice(0, 500) });
    return next;
  }

  /** The severity the site's rules give this alert at this door, or `off`. */
  async severityOf(o: Occurrence, rules: AlertRulesView): Promise<AlertSeverity | 'off'> {
    const level = o.doorId ? await this.levelOfDoor(o.doorId) : null;
    const override = level === null ? undefined : rules.levels[String(level) as '0' | '1' | '2' | '3']?.[o.type];
    return override ?? ALERT_SEVERITY[o.type];
  }

  private async levelOfDoor(doorId: string): Promise<number | null> {
    const now = this.clock.now();
    if (!this.doorLevels || now - this.doorLevels.at > 30_000) {
      const zones = new Map((await this.zones.summaries()).map((z) => [z.id, z.level]));
      const doors = await this.doors.summaries();
      this.doorLevels = { at: now, levels: new Map(doors.map((d) => [d.id, zones.get(d.toZoneId) ?? 0])) };
    }
    return this.doorLevels.levels.get(doorId) ?? null;
  }
}
