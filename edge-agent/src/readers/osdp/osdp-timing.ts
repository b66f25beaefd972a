/**
 * Timing of the poll loop. Defaults follow a common implementation (docs/hardware.md#osdp-session-and-timing):
 * reply timeout 200 ms plus the command's time on the wire, an idle POLL every 50 ms,
 * a retry 800 ms after a missed reply, up to 8 times, offline after 8 s without a reply.
 */
export interface OsdpTiming {
  /** Wait for a reply this long after the command has left (its wire time is added). */
  replyTimeoutMs: number;
  /** An online PD with nothing else to do is polled this often. */
  pollIntervalMs: number;
  /** A command without a valid reply is sent again after this. */
  retryDelayMs: number;
  /** Sends of one command after the first, before the PD is declared offline. */
  maxRetries: number;
  /** No valid reply for this long: offline, whatever the retry count. */
  offlineAfterMs: number;
  /** An offline PD is probed (POLL with sequence 0) this often. */
  offlineProbeMs: number;
  /** A PD that answered osdp_BUSY is asked again after this. */
  busyRetryMs: number;
  /** A failed or impossible secure-channel handshake is tried again after this. */
  handshakeRetryMs: number;
  /** A KEYSET waits this long for a secure session before it fails. */
  keyInstallTimeoutMs: number;
}

export const DEFAULT_OSDP_TIMING: Readonly<OsdpTiming> = {
  replyTimeoutMs: 200,
  pollIntervalMs: 50,
  retryDelayMs: 800,
  maxRetries: 8,
  offlineAfterMs: 8000,
  offlineProbeMs: 1000,
  busyRetryMs: 50,
  handshakeRetryMs: 10_000,
  keyInstallTimeoutMs: 30_000,
};

export function osdpTiming(overrides: Partial<OsdpTiming> = {}): OsdpTiming {
  return { ...DEFAULT_OSDP_TIMING, ...overrides };
}
