import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { ConfirmationIndex } from './confirmations.js';

describe('confirmation index', () => {
  const index = new ConfirmationIndex([
    { agentId: 'a', version: 3, confirmedAt: 1000 },
    { agentId: 'a', version: 5, confirmedAt: 1300 },
    { agentId: 'a', version: 8, confirmedAt: 1200 },
    { agentId: 'b', version: 4, confirmedAt: 2000 },
  ]);

  test('a change is proven by the first confirmation of its version or any later one', () => {
    assert.deepEqual(index.confirmation('a', 3), { version: 3, at: 1000 });
    assert.deepEqual(index.confirmation('a', 4), { version: 8, at: 1200 }, 'version 8 arrived before version 5 was confirmed');
    assert.deepEqual(index.confirmation('a', 6), { version: 8, at: 1200 });
    assert.deepEqual(index.confirmation('b', 1), { version: 4, at: 2000 });
  });

  test('no confirmation at or after the version, or an unknown agent, is null', () => {
    assert.equal(index.confirmation('a', 9), null);
    assert.equal(index.confirmation('b', 5), null);
    assert.equal(index.confirmation('c', 1), null);
  });
});
