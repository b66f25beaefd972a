/**
 * Zones: the areas doors lead between, with their level and rules.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { AntiPassbackMode, ZoneLevel } from '../access/model.js';

export interface ZoneView {
  id: string;
  name: string;
  level: ZoneLevel;
  parentId: string | null;
  ownerPersonId: string | null;
  antiPassback: AntiPassbackMode;
  /** Two authorised people must badge together to enter. */
  twoPerson: boolean;
}
