import { queryOptions } from '@tanstack/react-query';
import { http } from './client';

export const agentKeys = { all: ['agents'] as const, lag: ['agents', 'lag'] as const };

/** Edge agents, and how far each is behind the permission versions. */
export const agentQueries = {
  list: queryOptions({ queryKey: agentKeys.all, queryFn: ({ signal }) => http.get('/api/agents', { signal }) }),
  /** The agents, or none when they cannot be listed (the page shows ids instead of names). */
  listOrNone: queryOptions({
    queryKey: [...agentKeys.all, 'or-none'],
    queryFn: ({ signal }) => http.get('/api/agents', { signal }).catch(() => []),
  }),
  lag: queryOptions({ queryKey: agentKeys.lag, queryFn: ({ signal }) => agentLag(signal) }),
};

/** Each agent against the current permission version, and what it misses. */
export function agentLag(signal?: AbortSignal) {
  return http.get('/api/agents/lag', { signal });
}
