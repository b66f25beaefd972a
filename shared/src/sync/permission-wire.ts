/**
 * How permission sets travel to agents. Today: a snapshot is one JSON message, gzip-compressed
 * from 256 KiB (`compression.ts`).
 */
import { compressLarge } from '../mqtt/compression.js';
import { encodePayload, type PermissionSnapshot } from '../mqtt/payloads.js';

/** The MQTT payloads that carry a snapshot, in order. */
export async function snapshotPayloads(message: PermissionSnapshot): Promise<Uint8Array[]> {
  const payload = await compressLarge(encodePayload('permissions', message));
  return [typeof payload === 'string' ? Buffer.from(payload) : payload];
}
