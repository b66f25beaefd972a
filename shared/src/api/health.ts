/**
 * The health route.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

/** `GET /api/health`, the only route besides sign-in that needs no session. */
export interface HealthView {
  status: 'ok';
  mode: 'demo' | 'production';
  version: string;
}
