import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { generateClientContract, readCommittedContract } from './client-types.js';

/** The first line where the committed text and the expected one part, to keep the failure short. */
function firstDifference(committed: string, expected: string): string | null {
  if (committed === expected) return null;
  const a = committed.split('\n');
  const b = expected.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end of file>')}, the server now gives ${JSON.stringify(b[at] ?? '<end of file>')}`;
}

describe('the dashboard\u2019s generated API contract', () => {
  test('matches what the server describes now (else run `npm run api:generate` and commit the result)', async () => {
    const [expected, committed] = await Promise.all([generateClientContract(), readCommittedContract()]);
    assert.equal(firstDifference(committed.document, expected.document), null, 'dashboard/src/api/generated/openapi.json is out of date');
    assert.equal(firstDifference(committed.schema, expected.schema), null, 'dashboard/src/api/generated/schema.ts is out of date');
  });
});
