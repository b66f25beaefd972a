import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { ancestors, areAdjacent, type ZoneNode, wouldCycle } from './zone-rules.js';

const tree = new Map<string, ZoneNode>(
  [
    { id: 'lobby', level: 0, parentId: null },
    { id: 'yard', level: 0, parentId: null },
    { id: 'office', level: 1, parentId: 'lobby' },
    { id: 'lab', level: 2, parentId: 'office' },
    { id: 'machine-room', level: 3, parentId: 'office' },
    { id: 'cage', level: 3, parentId: 'machine-room' },
  ].map((z) => [z.id, z]),
);

describe('zone nesting rules', () => {
  test('ancestors run from the nearest outer zone to the top', () => {
    assert.deepEqual(ancestors(tree, 'cage'), ['machine-room', 'office', 'lobby']);
    assert.deepEqual(ancestors(tree, 'lobby'), []);
  });

  test('a zone cannot be moved inside itself or one of its inner zones', () => {
    assert.equal(wouldCycle(tree, 'office', 'office'), true);
    assert.equal(wouldCycle(tree, 'office', 'cage'), true);
    assert.equal(wouldCycle(tree, 'lab', 'machine-room'), false);
    assert.equal(wouldCycle(tree, 'lab', null), false);
  });

  test('doors join a zone and its inner zone, or two siblings; never across a level of nesting', () => {
    assert.equal(areAdjacent(tree, 'office', 'lab'), true);
    assert.equal(areAdjacent(tree, 'lab', 'office'), true);
    assert.equal(areAdjacent(tree, 'lab', 'machine-room'), true);
    assert.equal(areAdjacent(tree, 'lobby', 'yard'), true);
    assert.equal(areAdjacent(tree, 'lobby', 'lab'), false);
    assert.equal(areAdjacent(tree, 'office', 'cage'), false);
    assert.equal(areAdjacent(tree, 'lab', 'lab'), false);
    assert.equal(areAdjacent(tree, 'lab', 'nowhere'), false);
  });
});
