import { useEffect, useLayoutEffect, useRef } from 'react';
import { useQuery, useQueryClient, type QueryKey, type UseQueryResult } from '@tanstack/react-query';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { useRealtime } from './realtime-context';

type EventName = keyof ServerToClientEvents;

/** What a push does to the cached data: fold it in, or (`'refetch'`) ask for a new snapshot. */
export type PushHandlers<T> = {
  [E in EventName]?: 'refetch' | ((current: T | undefined, ...payload: Parameters<ServerToClientEvents[E]>) => T | undefined);
};

export interface LiveQueryOptions<Snapshot, T> {
  queryKey: QueryKey;
  /** The REST snapshot. */
  snapshot: (signal: AbortSignal) => Promise<Snapshot>;
  /**
   * Folds a snapshot into what the cache holds when it arrives (pushes may have come
   * meanwhile); by default the snapshot is the data.
   */
  fromSnapshot?: (snapshot: Snapshot, current: T | undefined) => T;
  /** The socket.io events that change this data while the page is open. */
  on: PushHandlers<T>;
  enabled?: boolean;
  /** Asks for a new snapshot this often as well (ms), or not (false), e.g. as a fallback until a process completes. */
  refetchInterval?: (data: T | undefined) => number | false;
}

/**
 * "Snapshot, then live pushes", the one way the dashboard shows live data: the REST
 * snapshot through the query cache, socket events folded into the cached data (or
 * invalidating it), and a new snapshot on every socket (re)connection so nothing pushed
 * while the socket was down is missed.
 */
export function useLiveQuery<Snapshot, T = Snapshot>(options: LiveQueryOptions<Snapshot, T>): UseQueryResult<T> {
  const queryClient = useQueryClient();
  const { socket, connectionEpoch } = useRealtime();
  // The options of the latest render, for the query's and the socket's callbacks; set once the
  // render is committed (before the query's own effects run), not while rendering.
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });
  const { queryKey } = options;

  const query = useQuery<T>({
    queryKey,
    enabled: options.enabled ?? true,
    // Live data is not kept once no page shows it: on return the page starts from a new
    // snapshot, as a page that mounts does, rather than from pushes it no longer heard.
    gcTime: 0,
    refetchInterval: (query) => latest.current.refetchInterval?.(query.state.data) ?? false,
    queryFn: async ({ signal }) => {
      const snapshot = await latest.current.snapshot(signal);
      const fold = latest.current.fromSnapshot;
      return fold ? fold(snapshot, queryClient.getQueryData<T>(queryKey)) : (snapshot as unknown as T);
    },
  });

  const epochAtMount = useRef(connectionEpoch);
  useEffect(() => {
    if (connectionEpoch === epochAtMount.current) return;
    epochAtMount.current = connectionEpoch;
    // The current key (callers build it anew on each render, so it is no dependency here).
    void queryClient.invalidateQueries({ queryKey: latest.current.queryKey, exact: true });
  }, [connectionEpoch, queryClient]);

  const events = Object.keys(options.on).sort().join(' ');
  useEffect(() => {
    if (!socket || !events) return;
    const listeners = events.split(' ').map((event) => {
      const listener = (...payload: unknown[]) => {
        const handler = latest.current.on[event as EventName];
        if (!handler) return;
        const key = latest.current.queryKey;
        if (handler === 'refetch') {
          void queryClient.invalidateQueries({ queryKey: key, exact: true });
          return;
        }
        queryClient.setQueryData<T>(key, (current) =>
          (handler as (current: T | undefined, ...payload: unknown[]) => T | undefined)(current, ...payload),
        );
      };
      (socket.on as (event: string, listener: (...payload: unknown[]) => void) => void)(event, listener);
      return [event, listener] as const;
    });
    return () => {
      for (const [event, listener] of listeners)
        (socket.off as (event: string, listener: (...payload: unknown[]) => void) => void)(event, listener);
    };
  }, [socket, events, queryClient]);

  return query;
}
