/**
 * Generations of the agent ↔ server MQTT protocol. An agent states the one it speaks in its
 * retained `state`; the server states its own and the oldest it still serves on the retained
 * `acs/v1/server` topic. Each side then uses what both speak: a newer agent keeps working
 * with an older server, and a server refuses (with an alert saying what to do) only an
 * agent older than it can serve.
 *
 * 1 — JSON payloads everywhere, permission sets as JSON snapshots and deltas. Agents that do
 *     not state a protocol speak this one.
 * 2 — also binary permission sets (`acsp/1`, offered with `accepts` in `sync`) and
 *     header-only structural changes.
 */
export const CURRENT_PROTOCOL = 2;
/** The oldest protocol this server still serves. */
export const MIN_AGENT_PROTOCOL = 1;
/** What an agent that states nothing speaks. */
export const IMPLICIT_AGENT_PROTOCOL = 1;
