import { queryOptions } from '@tanstack/react-query';
import type { ReviewDecision } from '@acs/shared/api/reviews';
import { byId, type Dto, http, type Sendable } from './client';
import type { paths } from './generated/schema';

export type GrantInput = Dto<'CreateGrantDto'>;
export type AccessRequestInput = Dto<'CreateAccessRequestDto'>;
export type GrantFilter = Sendable<NonNullable<paths['/api/grants']['get']['parameters']['query']>>;
export type AccessRequestFilter = Sendable<NonNullable<paths['/api/access-requests']['get']['parameters']['query']>>;

export const permissionKeys = {
  grants: ['grants'] as const,
  grantsOf: (filter: GrantFilter) => ['grants', filter] as const,
  accessRequests: ['access-requests'] as const,
  accessRequestsOf: (filter: AccessRequestFilter) => ['access-requests', filter] as const,
  reviews: ['reviews'] as const,
  review: (id: string) => ['reviews', id] as const,
  revocations: ['revocations'] as const,
  revocation: (version: number) => ['revocations', version] as const,
};

/** Grants, access requests, access reviews and the proof that revocations reached the doors. */
export const permissionQueries = {
  grants: (filter: GrantFilter = {}) =>
    queryOptions({
      queryKey: permissionKeys.grantsOf(filter),
      queryFn: ({ signal }) => http.get('/api/grants', { params: { query: filter }, signal }),
    }),
  accessRequests: (filter: AccessRequestFilter = {}) =>
    queryOptions({
      queryKey: permissionKeys.accessRequestsOf(filter),
      queryFn: ({ signal }) => http.get('/api/access-requests', { params: { query: filter }, signal }),
    }),
  reviews: queryOptions({ queryKey: permissionKeys.reviews, queryFn: ({ signal }) => http.get('/api/reviews', { signal }) }),
  review: (id: string) =>
    queryOptions({ queryKey: permissionKeys.review(id), queryFn: ({ signal }) => http.get('/api/reviews/{id}', { ...byId(id), signal }) }),
  revocations: (limit = 20) =>
    queryOptions({ queryKey: [...permissionKeys.revocations, { limit }], queryFn: ({ signal }) => revocationProofs(limit, signal) }),
};

/** The latest revocations' way to the doors, newest first. */
export function revocationProofs(limit: number, signal?: AbortSignal) {
  return http.get('/api/revocations', { params: { query: { limit } }, signal });
}

/** One permission version's way to the doors: which agents confirmed it, and when. */
export function revocationProof(version: number, signal?: AbortSignal) {
  return http.get('/api/revocations/{version}', { params: { path: { version } }, signal });
}

export const permissionsApi = {
  createGrant: (body: GrantInput) => http.post('/api/grants', { body }),
  revokeGrant: (id: string) => http.delete('/api/grants/{id}', byId(id)),
  createAccessRequest: (body: AccessRequestInput) => http.post('/api/access-requests', { body }),
  approveRequest: (id: string, reason?: string) =>
    http.post('/api/access-requests/{id}/approve', { ...byId(id), body: reason ? { reason } : {} }),
  refuseRequest: (id: string, reason: string) => http.post('/api/access-requests/{id}/refuse', { ...byId(id), body: { reason } }),
  cancelRequest: (id: string) => http.post('/api/access-requests/{id}/cancel', byId(id)),
  startReview: (body: Dto<'StartReviewDto'>) => http.post('/api/reviews', { body }),
  decideReview: (campaignId: string, itemId: string, decision: ReviewDecision, note?: string) =>
    http.post('/api/reviews/{id}/items/{itemId}/decision', {
      params: { path: { id: campaignId, itemId } },
      body: { decision, ...(note ? { note } : {}) },
    }),
  closeReview: (id: string) => http.post('/api/reviews/{id}/close', byId(id)),
};
