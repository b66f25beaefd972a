import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { CARD_STATUSES } from './model.js';
import { CARD_TRANSITIONS, isCardTransitionAllowed } from './card-lifecycle.js';

describe('card lifecycle table', () => {
  test('every status has an entry and every target is a known status', () => {
    for (const status of CARD_STATUSES) {
      assert.ok(Array.isArray(CARD_TRANSITIONS[status]), status);
      for (const to of CARD_TRANSITIONS[status]) assert.ok(CARD_STATUSES.includes(to), `${status} → ${to}`);
    }
  });

  test('the happy path runs requested → approved → issued → active', () => {
    assert.ok(isCardTransitionAllowed('requested', 'approved'));
    assert.ok(isCardTransitionAllowed('approved', 'issued'));
    assert.ok(isCardTransitionAllowed('issued', 'active'));
  });

  test('steps cannot be skipped and closed cards never come back', () => {
    assert.equal(isCardTransitionAllowed('requested', 'active'), false);
    assert.equal(isCardTransitionAllowed('requested', 'issued'), false);
    assert.equal(isCardTransitionAllowed('approved', 'active'), false);
    for (const closed of ['revoked', 'returned', 'destroyed'] as const) assert.equal(isCardTransitionAllowed(closed, 'active'), false);
    assert.deepEqual(CARD_TRANSITIONS.destroyed, []);
  });

  test('a lost card cannot be reactivated: it stays lost so a later use is recognised', () => {
    assert.equal(isCardTransitionAllowed('lost', 'active'), false);
    assert.equal(isCardTransitionAllowed('lost', 'revoked'), false);
    assert.ok(isCardTransitionAllowed('active', 'lost'));
  });
});
