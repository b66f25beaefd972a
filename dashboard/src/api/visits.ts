import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type NewVisit = Dto<'CreateVisitDto'>;
export type CheckIn = Dto<'CheckInDto'>;
export type VisitScope = 'today' | 'active' | 'pending' | 'history' | 'mine';

export const visitKeys = {
  all: ['visits'] as const,
  list: (scope: VisitScope) => ['visits', scope] as const,
  log: (from: number, to: number, q?: string) => ['visits', 'history', { from, to, q }] as const,
  onSite: ['visits', 'on-site'] as const,
  pool: ['reception', 'pool'] as const,
};

/** Visits at reception: invitations, walk-ins, check-in and sign-out, who is on site, and the visitor card pool. */
export const visitQueries = {
  list: (scope: VisitScope) => queryOptions({ queryKey: visitKeys.list(scope), queryFn: ({ signal }) => listVisits(scope, signal) }),
  /** The visitor log: visits whose window starts in [from, to), newest first (at most 2,000). */
  log: (from: number, to: number, q?: string) =>
    queryOptions({
      queryKey: visitKeys.log(from, to, q),
      queryFn: ({ signal }) => http.get('/api/visits', { params: { query: { scope: 'history', from, to, ...(q ? { q } : {}) } }, signal }),
    }),
  onSite: queryOptions({ queryKey: visitKeys.onSite, queryFn: ({ signal }) => onSiteList(signal) }),
  pool: queryOptions({ queryKey: visitKeys.pool, queryFn: ({ signal }) => http.get('/api/reception/pool', { signal }) }),
};

export function listVisits(scope: VisitScope, signal?: AbortSignal) {
  return http.get('/api/visits', { params: { query: { scope } }, signal });
}

export function onSiteList(signal?: AbortSignal) {
  return http.get('/api/reception/on-site', { signal });
}

/** What a change at reception can move: the visits, who is on site, the visitor card pool. */
export const VISIT_CHANGES = [visitKeys.all, visitKeys.pool] as const;

/**
 * The same, but for the reception desk: its own list of today's visits is kept current by
 * the answers and the pushes (newest on top), not by a reload in the server's order.
 */
export const DESK_CHANGES = [
  visitKeys.onSite,
  visitKeys.pool,
  visitKeys.list('active'),
  visitKeys.list('pending'),
  visitKeys.list('history'),
  visitKeys.list('mine'),
] as const;

export const visitsApi = {
  walkIn: (visit: NewVisit) => http.post('/api/visits/walk-in', { body: visit }),
  invite: (visit: NewVisit) => http.post('/api/visits', { body: visit }),
  hostDecision: (id: string, decision: Dto<'DecisionDto'>['decision'], note?: string) =>
    http.post('/api/visits/{id}/host-decision', { ...byId(id), body: { decision, note } }),
  watchlistDecision: (id: string, decision: Dto<'WatchlistDecisionDto'>['decision'], note: string) =>
    http.post('/api/visits/{id}/watchlist-decision', { ...byId(id), body: { decision, note } }),
  checkIn: (id: string, body: CheckIn) => http.post('/api/visits/{id}/check-in', { ...byId(id), body }),
  /** After check-in with consent: the photo, already shrunk (see shrinkPhoto), as a multipart upload. */
  uploadPhoto: (id: string, photo: Blob) => {
    const form = new FormData();
    form.set('photo', photo, 'visitor.jpg');
    return http.put('/api/visits/{id}/photo', { ...byId(id), body: form });
  },
  signOut: (id: string, body: Dto<'SignOutDto'>) => http.post('/api/visits/{id}/sign-out', { ...byId(id), body }),
  cancel: (id: string) => http.post('/api/visits/{id}/cancel', byId(id)),
};
