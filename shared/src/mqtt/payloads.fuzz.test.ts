/**
 * Property-based fuzzing of every MQTT payload the system decodes (fast-check, fixed seed,
 * bounded runs; ACS_FUZZ_SEED replays another seed). Whatever arrives, decoding returns a
 * value or a refusal with a reason: it never throws, and what it accepts survives a round
 * trip through the encoder.
 */
import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { sampleAccessEvent } from '../testing/payload-samples.js';
import { decompressIfNeeded } from './compression.js';
import { CHANNEL_SCHEMAS, decodePayload, encodePayload } from './payloads.js';
import type { Channel } from './topics.js';

const SEED = Number(process.env.ACS_FUZZ_SEED ?? 0x13c0de);
const RUNS = 300;
const CHANNELS = Object.keys(CHANNEL_SCHEMAS) as Channel[];

/** One valid message per channel: the fuzzer mutates these to reach deep into the schemas. */
const VALID: { [C in Channel]: unknown } = {
  state: { agentId: 'agent-1', online: true, at: 1_700_000_000_000, softwareVersion: '1.0.0', permissionVersion: 3, doors: ['lab'] },
  events: {
    events: [
      sampleAccessEvent({ eventId: '6f1c9a57-1d2b-4c1e-9a0e-3c1b5e2f7a10' }),
      {
        kind: 'door',
        eventId: '0d1c9a57-1d2b-4c1e-9a0e-3c1b5e2f7a11',
        agentId: 'agent-1',
        seq: 2,
        occurredAt: 1_700_000_000_500,
        doorId: 'lab',
        type: 'opened',
      },
    ],
  },
  sync: { haveVersion: 3, haveHash: 'a'.repeat(64) },
  applied: { version: 3, hash: 'a'.repeat(64), appliedAt: 1_700_000_000_000 },
  permissions: {
    kind: 'delta',
    agentId: 'agent-1',
    baseVersion: 2,
    baseHash: 'a'.repeat(64),
    version: 3,
    issuedAt: 1_700_000_000_000,
    upserts: [],
    removals: ['em4100:3887558'],
    hash: 'b'.repeat(64),
  },
  'events-ack': { seqs: [1, 2, 3] },
  commands: { command: 'resync', commandId: '5b0e2c1a-9f3d-4e7b-8a61-2c4d6e8f0a12' },
  readers: { agentId: 'agent-1', at: 1_700_000_000_000, readers: [], results: [] },
};

type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** `value` with the thing at `path` replaced by `replacement` (or removed when undefined). */
function mutate(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = mutate(copy[head as number], rest, replacement);
    return copy.filter((v) => v !== undefined);
  }
  const copy = { ...(value as Record<string, unknown>) };
  const next = mutate(copy[head as string], rest, replacement);
  if (next === undefined) delete copy[head as string];
  else copy[head as string] = next;
  return copy;
}

const extreme = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER,
    2 ** 53,
    -(2 ** 63),
    8.64e15,
    1e308,
    '',
    ' ',
    '\u202e',
    'x'.repeat(70_000),
    null,
    true,
    [],
    {},
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(undefined),
);

function checkDecoding(channel: Channel, payload: Uint8Array | string): void {
  const result = decodePayload(channel, payload);
  if (!result.ok) {
    assert.equal(typeof result.error, 'string');
    assert.ok(result.error.trim().length > 0, 'a refusal names its reason');
    return;
  }
  // Accepted means well-formed: the encoder writes it and the decoder accepts it again, unchanged.
  const again = decodePayload(channel, encodePayload(channel, result.value as never));
  assert.ok(again.ok, `re-encoded ${channel} payload accepted`);
  assert.deepEqual(again.value, result.value);
}

describe('MQTT payload decoding under fuzzing', () => {
  test('the valid samples are valid (so the mutations start from real messages)', () => {
    for (const channel of CHANNELS) assert.ok(decodePayload(channel, JSON.stringify(VALID[channel])).ok, channel);
  });

  test('arbitrary bytes on any channel are refused with a reason, never thrown', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CHANNELS), fc.uint8Array({ maxLength: 512 }), (channel, bytes) => checkDecoding(channel, bytes)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('arbitrary JSON on any channel is decoded or refused with a reason', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CHANNELS), fc.jsonValue({ maxDepth: 5 }), (channel, json) =>
        checkDecoding(channel, JSON.stringify(json) ?? 'null'),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('valid messages with one part replaced by anything are decoded or refused with a reason', () => {
    const mutated = fc
      .constantFrom(...CHANNELS)
      .chain((channel) =>
        fc
          .tuple(fc.constant(channel), fc.constantFrom(...paths(VALID[channel])), extreme)
          .map(([c, path, value]) => [c, mutate(VALID[c], path, value)] as const),
      );
    fc.assert(
      fc.property(mutated, ([channel, message]) => checkDecoding(channel, JSON.stringify(message) ?? 'null')),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  test('compressed payloads that are corrupt, truncated or expand too far are refused with a reason', async () => {
    const real = gzipSync(Buffer.from(JSON.stringify(VALID.permissions)));
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: real.length - 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (at, noise, truncate) => {
          const broken = truncate
            ? real.subarray(0, Math.max(2, at))
            : Buffer.concat([real.subarray(0, at), Buffer.from(noise), real.subarray(at + noise.length)]);
          if (broken[0] !== 0x1f || broken[1] !== 0x8b) return;
          const outcome = await decompressIfNeeded(Buffer.from(broken)).then(
            (bytes) => checkDecoding('permissions', bytes),
            (err: unknown) => assert.ok(err instanceof Error && err.message.length > 0),
          );
          return outcome;
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
    await assert.rejects(decompressIfNeeded(gzipSync(Buffer.alloc(2 * 1024 * 1024)), 1024 * 1024), /expand|limit|larger|exceed/i);
  });
});
