import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateClientContract, readCommittedContract } from './client-types.js';

const REGENERATE = 'the dashboard\u2019s generated API contract no longer matches the server: run `npm run api:generate` and commit the result';

describe('the dashboard\u2019s generated API contract', () => {
  test('matches what the server describes now', async () => {
    const [expected, committed] = await Promise.all([generateClientContract(), readCommittedContract()]);
    assert.equal(committed.document, expected.document, `openapi.json: ${REGENERATE}`);
    assert.equal(committed.schema, expected.schema, `schema.ts: ${REGENERATE}`);
  });
});
