/**
 * People: employees, contractors and visitors the site knows.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

export type PersonKind = 'employee' | 'contractor' | 'visitor';

export type PersonStatus = 'active' | 'departed';

export interface PersonView {
  id: string;
  name: string;
  kind: PersonKind;
  department: string | null;
  email: string | null;
  status: PersonStatus;
  /** When the person was marked departed (the leaver rule), else null. */
  departedAt: number | null;
}
