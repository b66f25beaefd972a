/**
 * Site settings that shape what every door decides.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { CardType, ZoneLevel } from '../access/model.js';

export interface HolidayView {
  /** `YYYY-MM-DD` in the site's time zone. */
  date: string;
  name: string;
}

export interface CardTypeSettingsView {
  /** Highest zone level the type may open without a recorded exception. */
  ceiling: ZoneLevel;
  /** Validity given to a new card of this type when it is activated without an end; null: no end. */
  validityDays: number | null;
}

/** `GET /api/site`: settings that shape what every door decides, and the labels of levels. */
export interface SiteView {
  name: string;
  /** IANA time zone in which schedules and holidays are read. */
  timeZone: string;
  holidays: HolidayView[];
  /** Custom level names set by the site (level number → name); absent levels use the default names. */
  levelNames: Record<string, string>;
  cardTypes: Record<CardType, CardTypeSettingsView>;
  doorRules: DoorRulesView;
  permissionVersion: number;
}

/** Rule tunables the agents receive. */
export interface DoorRulesView {
  escortWindowSec: number;
  twoPersonWindowSec: number;
  /** Card type → hours without server contact before the agent refuses the card; null: no limit. */
  offlineLimitHours: Record<CardType, number | null>;
}
