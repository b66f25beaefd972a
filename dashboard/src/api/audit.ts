import { infiniteQueryOptions } from '@tanstack/react-query';
import { http, type Sendable } from './client';
import type { paths } from './generated/schema';

export type AuditQuery = Sendable<NonNullable<paths['/api/audit']['get']['parameters']['query']>>;
export type AuditFilters = Pick<AuditQuery, 'entityType' | 'entityId' | 'actor' | 'action'>;

export const auditKeys = { all: ['audit'] as const, pages: (filters: AuditFilters) => ['audit', 'pages', filters] as const };

/** The append-only audit log, newest first, a page at a time (each page's `next` is the cursor of the one after). */
export const auditQueries = {
  pages: (filters: AuditFilters, pageSize: number) =>
    infiniteQueryOptions({
      queryKey: auditKeys.pages(filters),
      queryFn: ({ pageParam, signal }) =>
        http.get('/api/audit', { params: { query: { ...filters, limit: pageSize, ...(pageParam ? { before: pageParam } : {}) } }, signal }),
      initialPageParam: null as string | null,
      getNextPageParam: (page) => page.next,
    }),
};

export const auditApi = {
  /** Checks the whole hash chain (takes a while on a long log). */
  verify: () => http.get('/api/audit/verify'),
};
