import type { ReceptionSettingsView } from '@acs/shared/api/reception';
import type { AlertRulesView } from '@acs/shared/api/incidents';
import type { RetentionSettingsView } from '@acs/shared/api/retention';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CardType, ZoneLevel } from '@acs/shared/access/model';
import { EpochMsColumn, LEN } from '../database/columns.js';

export const SITE_ROW_ID = 1;

export interface LockdownPart {
  startedAt: number;
  startedByUserId: string | null;
  reason: string;
}

export interface LockdownRecord {
  site: LockdownPart | null;
  /** Zone id → who locked it down. */
  zones: Record<string, LockdownPart>;
}

export interface DoorRuleSettings {
  escortWindowSec?: number;
  twoPersonWindowSec?: number;
  /** Card type → hours without server contact after which the agent refuses the card; null: no limit. */
  offlineLimitHours?: Partial<Record<CardType, number | null>>;
}

/** The single row of site-wide settings, and the global permission version counter. */
@Entity({ name: 'site_settings' })
export class SiteSettingsEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  /** IANA time zone in which schedules and holidays are read. */
  @Column({ name: 'time_zone', type: 'varchar', length: LEN.ref })
  timeZone!: string;

  /** Site holidays, `YYYY-MM-DD`. */
  @Column({ type: 'simple-json' })
  holidays!: string[];

  @Column({ name: 'card_type_ceilings', type: 'simple-json' })
  cardTypeCeilings!: Record<CardType, ZoneLevel>;

  /** Names of site holidays by date; null on a database from before holiday names were kept. */
  @Column({ name: 'holiday_names', type: 'simple-json', nullable: true })
  holidayNames!: Record<string, string> | null;

  /** Custom names of zone levels (level number → name); absent levels use the defaults. */
  @Column({ name: 'level_names', type: 'simple-json', nullable: true })
  levelNames!: Record<string, string> | null;

  /** Default validity in days of each card type, applied at activation; null entries: no end. */
  @Column({ name: 'card_type_validity_days', type: 'simple-json', nullable: true })
  cardTypeValidityDays!: Partial<Record<CardType, number | null>> | null;

  /** The lockdown in force (site-wide and/or zones), with who started each part and why. */
  @Column({ type: 'simple-json', nullable: true })
  lockdown!: LockdownRecord | null;

  /** Escort and two-person windows (seconds) and offline limits per card type (hours). */
  @Column({ name: 'door_rules', type: 'simple-json', nullable: true })
  doorRules!: DoorRuleSettings | null;

  /** Reception settings set by an admin (end-of-day sign-out, retention); null: defaults. */
  @Column({ type: 'simple-json', nullable: true })
  reception!: Partial<ReceptionSettingsView> | null;

  /** Alert rules and thresholds (docs/product-rules.md#alert-rules-and-escalation); null: the defaults. */
  @Column({ name: 'alert_rules', type: 'simple-json', nullable: true })
  alertRules!: Partial<AlertRulesView> | null;

  /** Days to keep each record type (docs/product-rules.md#retention); null: the defaults. */
  @Column({ type: 'simple-json', nullable: true })
  retention!: Partial<RetentionSettingsView> | null;

  /** Raised by every change that can affect a door; agents confirm the version they hold. */
  @Column({ name: 'permission_version', type: 'integer' })
  permissionVersion!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
