/**
 * Large MQTT payloads travel gzip-compressed. A snapshot of 100,000 cards is ~32 MB of JSON
 * and ~6 MB compressed: fewer bytes through the broker and, on a site, over the network to a
 * Pi (32 MB on a 10 Mbit/s link is half a minute). JSON never starts with the gzip magic
 * bytes, so a receiver tells the two apart without a flag; small payloads stay plain (cheaper,
 * and readable with mosquitto_sub). Node-only: the dashboard never sees these payloads.
 */
import { promisify } from 'node:util';
import { constants, gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Payloads of this size or more are compressed. */
export const COMPRESS_FROM_BYTES = 256 * 1024;

/**
 * The most a compressed payload may expand to: a 1,000,000-cardholder snapshot is ~320 MB of
 * JSON; anything larger is refused rather than allowed to exhaust a Pi's memory.
 */
export const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

export function isCompressed(payload: Uint8Array): boolean {
  return payload.length >= 2 && payload[0] === 0x1f && payload[1] === 0x8b;
}

/**
 * `json` as it goes on the wire: gzip (fastest level, in the thread pool, so the event loop
 * stays free) from {@link COMPRESS_FROM_BYTES}, else unchanged.
 */
export async function compressLarge(json: string): Promise<string | Buffer> {
  const bytes = Buffer.from(json, 'utf8');
  if (bytes.length < COMPRESS_FROM_BYTES) return json;
  return gzipAsync(bytes, { level: constants.Z_BEST_SPEED });
}

/** The JSON bytes of a payload, decompressed in the thread pool when it came compressed. */
export async function decompressIfNeeded(payload: Buffer, maxBytes = MAX_DECOMPRESSED_BYTES): Promise<Buffer> {
  if (!isCompressed(payload)) return payload;
  try {
    return await gunzipAsync(payload, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `expands beyond ${maxBytes} bytes` : (err as Error).message;
    throw new Error(`compressed payload of ${payload.length} bytes is unusable: ${why}`, { cause: err });
  }
}
