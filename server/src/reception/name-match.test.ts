import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { bestMatch, nameSimilarity, normaliseName } from './name-match.js';

describe('watch-list name matching', () => {
  test('normalises width, case, accents and punctuation', () => {
    assert.equal(normaliseName('ＺＨＡＮＧ  Wei'), 'zhang wei');
    assert.equal(normaliseName('José-María'), 'jose maria');
    assert.equal(normaliseName('张·伟'), '张 伟');
  });

  test('matches the same person written differently', () => {
    for (const [a, b] of [
      ['Zhang Wei', 'zhang wei'],
      ['Zhang Wei', 'Wei Zhang'],
      ['Zhang Wei', 'Zhang-Wei'],
      ['张伟', '张 伟'],
      ['Jonathan Smith', 'Jonathon Smith'],
      ['Müller', 'Muller'],
    ]) {
      assert.ok(nameSimilarity(a!, b!) >= 0.8, `${a} ~ ${b}: ${nameSimilarity(a!, b!)}`);
    }
  });

  test('does not match different people', () => {
    for (const [a, b] of [
      ['Zhang Wei', 'Wang Fang'],
      ['张伟', '李娜'],
      ['John Smith', 'Joan Smythe-Brown'],
      ['', 'Zhang Wei'],
    ]) {
      assert.ok(nameSimilarity(a!, b!) < 0.8, `${a} !~ ${b}: ${nameSimilarity(a!, b!)}`);
    }
  });

  test('returns the closest entry above the threshold', () => {
    const entries = [{ name: 'Wang Fang' }, { name: 'Zhang Wei' }, { name: 'Zhang Wen' }];
    assert.equal(bestMatch('zhang wei', entries)?.entry.name, 'Zhang Wei');
    assert.equal(bestMatch('Li Na', entries), null);
  });
});
