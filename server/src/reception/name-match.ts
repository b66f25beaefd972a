/**
 * Fuzzy name matching for the watch list (docs/product-rules.md#watch-list). A guard types what the visitor
 * says and shows; the list holds what someone once wrote down. They differ in case, width
 * (full-width ＺＨＡＮＧ), spacing, punctuation (Zhang-Wei, 张·伟), word order (Wei Zhang)
 * and small typos; a match must survive all of these and still not flag every "Wang".
 */
import { distance } from 'fastest-levenshtein';

/** At or above this similarity the guard is stopped and a supervisor decides. */
export const MATCH_THRESHOLD = 0.8;

/** NFKC (full-width → ASCII), lower case, accents off, separators and punctuation out. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
}

function similarity(a: string, b: string): number {
  if (!a.length || !b.length) return 0;
  const longest = Math.max([...a].length, [...b].length);
  return 1 - distance(a, b) / longest;
}

/** 0..1: the best of the whole strings, without spaces, and with words sorted. */
export function nameSimilarity(a: string, b: string): number {
  const na = normaliseName(a);
  const nb = normaliseName(b);
  if (!na || !nb) return 0;
  const compact = (s: string) => s.replace(/ /g, '');
  const sorted = (s: string) => s.split(' ').sort().join('');
  return Math.max(similarity(na, nb), similarity(compact(na), compact(nb)), similarity(sorted(na), sorted(nb)));
}

export interface NameMatch<T> {
  entry: T;
  score: number;
}

/** The closest entry at or above the threshold, or null. */
export function bestMatch<T extends { name: string }>(
  name: string,
  entries: readonly T[],
  threshold = MATCH_THRESHOLD,
): NameMatch<T> | null {
  let best: NameMatch<T> | null = null;
  for (const entry of entries) {
    const score = nameSimilarity(name, entry.name);
    if (score >= threshold && (!best || score > best.score)) best = { entry, score };
  }
  return best;
}
