import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import { eventKeys, eventsApi } from '../../api/events';
import { useLiveQuery } from '../../realtime/live-query';
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
  const query = useLiveQuery<Page<EventView>, EventStream>({
    queryKey: [...eventKeys.all, 'live'],
    snapshot: (signal) => eventsApi.page({ limit: SNAPSHOT_LIMIT }, signal),
    // After the first load, events found on a reconnect were missed live: highlight them.
    fromSnapshot: (page, current = EMPTY_STREAM) => mergeEvents(current, page.items, current.loaded, Date.now()),
    on: { 'event:v1': (current = EMPTY_STREAM, event: EventView) => mergeEvents(current, [event], true, Date.now()) },
  });
  return { ...(query.data ?? EMPTY_STREAM), error: query.error };
}
