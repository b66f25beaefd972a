import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { gzipSync } from 'node:zlib';
import { COMPRESS_FROM_BYTES, compressLarge, decompressIfNeeded, isCompressed } from './compression.js';

describe('compressed MQTT payloads', () => {
  test('small payloads stay plain JSON; large ones go out gzip and come back byte for byte', async () => {
    const small = JSON.stringify({ kind: 'delta', upserts: [] });
    assert.equal(await compressLarge(small), small);
    const large = JSON.stringify({
      cards: Array.from({ length: 5000 }, (_, i) => ({ credential: `em4100:${i}`, holder: `Person ${i}`, grants: [{ zoneId: 'office' }] })),
    });
    assert.ok(Buffer.byteLength(large) >= COMPRESS_FROM_BYTES);
    const wire = await compressLarge(large);
    assert.ok(Buffer.isBuffer(wire) && isCompressed(wire));
    assert.ok(wire.length * 5 < Buffer.byteLength(large), `${wire.length} bytes for ${Buffer.byteLength(large)}`);
    assert.equal((await decompressIfNeeded(wire)).toString('utf8'), large);
    // Plain JSON passes through untouched.
    const plain = Buffer.from(small);
    assert.equal(await decompressIfNeeded(plain), plain);
  });

  test('a corrupt or oversized compressed payload is refused with the reason', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not really gzip at all')]);
    await assert.rejects(decompressIfNeeded(corrupt), /compressed payload of 26 bytes is unusable/);
    const bomb = gzipSync(Buffer.alloc(1024 * 1024));
    await assert.rejects(decompressIfNeeded(bomb, 64 * 1024), /expands beyond 65536 bytes/);
  });
});
