/**
 * Physical isolation (docs/product-rules.md#zone-nesting-and-doors) as checks on the zone tree:
 *
 * - Nesting: an inner zone is reached only through its outer zone, so it is at least as
 *   restricted: `inner.level >= outer.level`. A zone cannot be its own ancestor.
 * - Doors join adjacent zones: a zone and one of its inner zones (either direction), or
 *   two zones inside the same outer zone (siblings, top-level zones included). A door
 *   that skipped a level would let people reach an inner zone without its outer one.
 */
export interface ZoneNode {
  id: string;
  level: number;
  parentId: string | null;
}

/** The chain of outer zones of `id`, nearest first; stops at a cycle. */
export function ancestors(zones: ReadonlyMap<string, ZoneNode>, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([id]);
  for (let p = zones.get(id)?.parentId ?? null; p !== null && !seen.has(p); p = zones.get(p)?.parentId ?? null) {
    out.push(p);
    seen.add(p);
  }
  return out;
}

/** Whether making `parentId` the outer zone of `id` would put `id` inside itself. */
export function wouldCycle(zones: ReadonlyMap<string, ZoneNode>, id: string, parentId: string | null): boolean {
  if (parentId === null) return false;
  if (parentId === id) return true;
  return ancestors(zones, parentId).includes(id);
}

export function areAdjacent(zones: ReadonlyMap<string, ZoneNode>, a: string, b: string): boolean {
  if (a === b) return false;
  const za = zones.get(a);
  const zb = zones.get(b);
  if (!za || !zb) return false;
  return za.parentId === b || zb.parentId === a || za.parentId === zb.parentId;
}

export const ADJACENCY_RULE = 'a door joins a zone and one of its inner zones, or two zones inside the same outer zone';
