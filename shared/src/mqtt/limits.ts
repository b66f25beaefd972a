/**
 * How large an MQTT payload may be, by direction. Both brokers and the server's handler
 * refuse anything larger, before it is decoded or kept in memory.
 *
 * - Agents send events in batches of at most a few hundred (a few hundred bytes each), their
 *   state, readers report, sync requests and confirmations: 256 KiB is ten times the largest
 *   real message.
 * - The server sends permission sets; a full set travels compressed and is the one large
 *   message of the protocol.
 */
export const AGENT_PAYLOAD_LIMIT_BYTES = 256 * 1024;
export const SERVER_PAYLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
/** A CONNECT packet is credentials and a will: anything this large is not one. */
export const CONNECT_PACKET_LIMIT_BYTES = 16 * 1024;
/** Topic, packet id and MQTT 5 properties around a payload, allowed on top of it. */
export const PACKET_OVERHEAD_BYTES = 1024;
