/**
 * Doors: the passages between two zones and their lock timings.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

export interface DoorView {
  id: string;
  name: string;
  fromZoneId: string;
  toZoneId: string;
  agentId: string | null;
  releaseMs: number;
  heldOpenMs: number;
  /** What the lock does without power (recorded; the agent's configuration drives the relay). */
  failMode: DoorFailMode;
}

export type DoorFailMode = 'secure' | 'safe';
