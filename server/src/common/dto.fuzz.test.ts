/**
 * Property-based fuzzing of every REST request DTO through the server's own validation pipe
 * (fast-check, fixed seed, bounded runs; ACS_FUZZ_SEED replays another seed). Whatever a
 * browser or script sends, the pipe either hands a value on or refuses with a 400 that
 * names the problem: no other exception, no crash, no hang.
 */
import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { ApiException } from './api-exception.js';
import { createValidationPipe } from './validation.js';

const SEED = Number(process.env.ACS_FUZZ_SEED ?? 0x13c0de);
const here = dirname(fileURLToPath(import.meta.url));

type DtoClass = new () => object;

/** Every exported class in a domain's dto folder that carries validation rules, with its property names. */
async function requestDtos(): Promise<Array<{ name: string; cls: DtoClass; properties: string[] }>> {
  const root = join(here, '..');
  const found: Array<{ name: string; cls: DtoClass; properties: string[] }> = [];
  for (const domain of await readdir(root, { withFileTypes: true })) {
    if (!domain.isDirectory()) continue;
    const dtoDir = join(root, domain.name, 'dto');
    const files = await readdir(dtoDir).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const module = (await import(join(dtoDir, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (typeof value !== 'function' || !/^class /.test(Function.prototype.toString.call(value))) continue;
        const rules = getMetadataStorage().getTargetValidationMetadatas(value, '', true, false);
        if (rules.length === 0) continue;
        found.push({ name: `${domain.name}/${name}`, cls: value as DtoClass, properties: [...new Set(rules.map((r) => r.propertyName))] });
      }
    }
  }
  return found;
}

const nasty = fc.oneof(
  fc.constantFrom(
    '',
    '   ',
    '\u202eexe.txt',
    '\u0000',
    '\ud800',
    'x'.repeat(100_000),
    '__proto__',
    'constructor',
    -1,
    0,
    1.5,
    2 ** 53,
    -(2 ** 63),
    8.64e15 + 1,
    Number.MAX_VALUE,
    true,
    null,
    [],
    {},
    [null],
    { __proto__: { admin: true } },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('REST request validation under fuzzing', () => {
  test('every request DTO accepts or refuses any body with a 400 that names the problem, and nothing else', async () => {
    const dtos = await requestDtos();
    assert.ok(dtos.length >= 40, `found ${dtos.length} request DTOs`);
    const pipe = createValidationPipe();
    for (const dto of dtos) {
      // Bodies made of the DTO's own field names with anything in them, plus stray fields and non-objects.
      const body = fc.oneof(
        { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...dto.properties), nasty, { maxKeys: dto.properties.length }) },
        { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), nasty, { maxKeys: 4 }) },
        { weight: 1, arbitrary: nasty },
      );
      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          try {
            const out = await pipe.transform(input, { type: 'body', metatype: dto.cls, data: '' });
            assert.ok(out instanceof dto.cls || out === input, `${dto.name}: passes a value on`);
          } catch (err) {
            assert.ok(err instanceof ApiException, `${dto.name}: ${String(err)} for ${JSON.stringify(input)?.slice(0, 200)}`);
            assert.equal(err.getStatus(), 400);
            const message = (err.getResponse() as { message: string | string[] }).message;
            const lines = Array.isArray(message) ? message : [message];
            assert.ok(
              lines.length > 0 && lines.every((l) => typeof l === 'string' && l.trim().length > 0),
              `${dto.name}: the refusal names the problem`,
            );
          }
        }),
        { seed: SEED, numRuns: 60 },
      );
    }
  });
});
