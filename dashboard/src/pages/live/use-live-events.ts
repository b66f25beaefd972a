import { useCallback, useEffect, useState } from 'react';
import type { EventView } from '@acs/shared/api/events';
import { api } from '../../api/endpoints';
import { useRealtime, useSocketEvent } from '../../realtime/realtime-context';
import { EMPTY_STREAM, mergeEvents, type EventStream } from './event-stream';

// Enough to fill a screen; the stream then grows to EVENT_STREAM_CAP from live pushes.
const SNAPSHOT_LIMIT = 200;

export interface LiveEvents extends EventStream {
  error: Error | null;
}

/**
 * The REST snapshot of recent events, kept current by `event:v1`. The snapshot is
 * reloaded on every socket (re)connection so events pushed during an outage are not lost.
 */
export function useLiveEvents(): LiveEvents {
  const { connectionEpoch } = useRealtime();
  const [stream, setStream] = useState<EventStream>(EMPTY_STREAM);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.events({ limit: SNAPSHOT_LIMIT }, controller.signal).then(
      (page) => {
        // After the first load, events found on a reconnect were missed live: highlight them.
        setStream((current) => mergeEvents(current, page.items, current.loaded, Date.now()));
        setError(null);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(reason instanceof Error ? reason : new Error(String(reason)));
      },
    );
    return () => controller.abort();
  }, [connectionEpoch]);

  const onEvent = useCallback((event: EventView) => {
    setStream((current) => mergeEvents(current, [event], true, Date.now()));
  }, []);
  useSocketEvent('event:v1', onEvent);

  return { ...stream, error };
}
