/** Opaque paging cursor: the (occurredAt, eventId) of the last item of a page. */
export interface EventCursor {
  occurredAt: number;
  eventId: string;
}

export function encodeEventCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.eventId])).toString('base64url');
}

export function decodeEventCursor(text: string): EventCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length <= 64
    ) {
      return { occurredAt: value[0] as number, eventId: value[1] };
    }
  } catch {
    // fall through
  }
  return null;
}
