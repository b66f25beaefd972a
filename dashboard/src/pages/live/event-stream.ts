import type { EventView } from '@acs/shared/api/events';

/** How many events the live monitor keeps; older ones are in the reports. */
export const EVENT_STREAM_CAP = 500;

export interface EventStream {
  /** Newest first. */
  events: EventView[];
  /** When each event first appeared live (pushed or found on a reconnect), for the highlight. */
  arrivedAt: ReadonlyMap<string, number>;
  /** Whether the initial REST snapshot has been merged. */
  loaded: boolean;
}

export const EMPTY_STREAM: EventStream = { events: [], arrivedAt: new Map(), loaded: false };

/**
 * Arrival order: the server's receive time, then device time and sequence. Events an
 * agent replays after an outage therefore appear at the top when they arrive, with their
 * (older) device time shown and flagged as late.
 */
export function compareNewestFirst(a: EventView, b: EventView): number {
  return b.receivedAt - a.receivedAt || b.occurredAt - a.occurredAt || b.seq - a.seq;
}

/**
 * Merges events into the stream: duplicates (same eventId) are dropped, the result is
 * sorted newest first and capped. `live` marks the new ones for highlighting.
 */
export function mergeEvents(stream: EventStream, incoming: readonly EventView[], live: boolean, now: number): EventStream {
  const known = new Set(stream.events.map((event) => event.eventId));
  const fresh: EventView[] = [];
  for (const event of incoming) {
    if (known.has(event.eventId)) continue;
    known.add(event.eventId);
    fresh.push(event);
  }
  if (fresh.length === 0) return stream.loaded || live ? stream : { ...stream, loaded: true };

  const events = [...fresh, ...stream.events].sort(compareNewestFirst).slice(0, EVENT_STREAM_CAP);
  const kept = new Set(events.map((event) => event.eventId));
  const arrivedAt = new Map<string, number>();
  for (const [id, at] of stream.arrivedAt) if (kept.has(id)) arrivedAt.set(id, at);
  if (live) for (const event of fresh) if (kept.has(event.eventId)) arrivedAt.set(event.eventId, now);
  return { events, arrivedAt, loaded: stream.loaded || !live };
}
