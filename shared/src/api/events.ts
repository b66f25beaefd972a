/**
 * Events the agents report: badges, doors and devices.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { ReaderDirection } from '../access/model.js';
import type { ReasonCode } from '../access/reason-codes.js';

export type EventKind = 'access' | 'door' | 'device';

export interface EventView {
  eventId: string;
  agentId: string;
  /** The reader or other device of a device event. */
  deviceId?: string | null;
  seq: number;
  kind: EventKind;
  /** Device time, or the server's receive time when the device's was not believable. */
  occurredAt: number;
  /** Server time when first stored. */
  receivedAt: number;
  /**
   * Set when the device's own time was outside the window the server accepts (a clock far
   * off, or an agent lying): what the device said. Such events never move presence.
   */
  deviceOccurredAt?: number | null;
  doorId: string | null;
  doorName: string | null;
  /** Access events: reader direction; door/device events: null. */
  direction: ReaderDirection | null;
  zoneId: string | null;
  credential: string | null;
  credentialDisplay: string | null;
  cardId: string | null;
  personId: string | null;
  holder: string | null;
  granted: boolean | null;
  reason: ReasonCode | null;
  /** Door and device events: what happened (`forced_open`, `reader_fault`, ...). */
  type: string | null;
  detail: string | null;
}
