import { queryOptions } from '@tanstack/react-query';
import { http, type Sendable } from './client';
import type { paths } from './generated/schema';

export type EventQuery = Sendable<NonNullable<paths['/api/events']['get']['parameters']['query']>>;

export const eventKeys = { all: ['events'] as const, page: (query: EventQuery) => ['events', query] as const };

export const eventQueries = {
  page: (query: EventQuery) => queryOptions({ queryKey: eventKeys.page(query), queryFn: ({ signal }) => eventsApi.page(query, signal) }),
};

export const eventsApi = {
  page: (query: EventQuery, signal?: AbortSignal) => http.get('/api/events', { params: { query }, signal }),
};
