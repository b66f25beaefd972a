/**
 * Departments and the zones their members get by default.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

/** A department and the zones its members get by default (levels L0/L1 only). */
export interface DepartmentView {
  id: string;
  name: string;
  defaultZones: DepartmentZoneView[];
  /** People currently in the department (departed people excluded). */
  memberCount: number;
}

export interface DepartmentZoneView {
  zoneId: string;
  scheduleId: string | null;
}
