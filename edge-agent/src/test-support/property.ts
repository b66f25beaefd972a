/**
 * Property-based tests (fast-check) for the serial parsers, run inside the normal test
 * files. The seed is fixed so every run checks the same cases and a failure replays; as
 * for the older seeded fuzzer, ACS_FUZZ_SEED picks another seed for a longer hunt. Runs
 * are few on purpose: each file must stay a few seconds on a shared two-core machine.
 */
import fc from 'fast-check';

export const PROPERTY_SEED: number = Number(process.env.ACS_FUZZ_SEED ?? 0x05d9) >>> 0;

/** Checks `property` with the fixed seed; a failure throws with the shrunk counter-example. */
export function checkProperty<Ts>(property: fc.IProperty<Ts>, numRuns: number): void {
  fc.assert(property, { seed: PROPERTY_SEED, numRuns });
}

/** Cut positions for {@link splitAt}: any numbers, folded onto the input's length. */
export const cutsArbitrary: fc.Arbitrary<number[]> = fc.array(fc.nat(), { maxLength: 16, size: 'max' });

/** `bytes` cut at `cuts` (modulo its length + 1): the same stream as a port may deliver it. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

/**
 * Arbitrary bytes, biased (as fast-check does) towards 0x00, 0xFF and other edge values,
 * of any length up to `maxLength` (not only the short ones fast-check prefers by default).
 */
export function bytesArbitrary(maxLength: number, minLength = 0): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ minLength, maxLength, size: 'max' });
}

export { fc };
