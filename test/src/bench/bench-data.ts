/**
 * Permission sets of a large site for the benchmarks: N cardholders on two doors (lobby →
 * office, office → lab), each card with one or two grants on one of a few schedules, the
 * shape a real site has (most grants shared, a few exceptions).
 */
import type { PermissionCard, PermissionSet } from '@acs/shared/mqtt/payloads';

export const BENCH_DOORS = ['gate', 'lab'] as const;

export function benchCredential(i: number): string {
  return `h10301:${(i >> 16) & 255}:${i & 65535}`;
}

export function benchCard(i: number): PermissionCard {
  return {
    credential: benchCredential(i),
    // UUIDs, as the server gives cards and people.
    cardId: `c0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    personId: `b0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    holder: `Person ${i}`,
    type: i % 50 === 0 ? 'contractor' : 'employee',
    status: i % 97 === 0 ? 'suspended' : 'active',
    validFrom: null,
    validUntil: i % 10 === 0 ? Date.UTC(2030, 0, 1) : null,
    levelCeilingOverride: null,
    grants:
      i % 3 === 0
        ? [
            { zoneId: 'office', scheduleId: null, validUntil: null },
            { zoneId: 'lab', scheduleId: 'office-hours', validUntil: null },
          ]
        : [{ zoneId: 'office', scheduleId: i % 2 ? 'office-hours' : null, validUntil: null }],
  };
}

export function benchPermissionSet(agentId: string, cardholders: number, version = 1): PermissionSet {
  const cards = new Array<PermissionCard>(cardholders);
  for (let i = 0; i < cardholders; i++) cards[i] = benchCard(i);
  return {
    agentId,
    version,
    issuedAt: Date.now(),
    site: { timeZone: 'Asia/Shanghai', holidays: ['2026-10-01'] },
    cardTypeCeilings: { employee: 3, contractor: 2, temporary: 2, visitor: 2 },
    zones: [
      { id: 'lobby', name: 'Lobby', level: 0, parentId: null, antiPassback: 'off' },
      { id: 'office', name: 'Office', level: 1, parentId: 'lobby', antiPassback: 'off' },
      { id: 'lab', name: 'Lab', level: 2, parentId: 'office', antiPassback: 'soft' },
    ],
    doors: [
      { id: 'gate', name: 'Gate', fromZoneId: 'lobby', toZoneId: 'office', releaseMs: 3000, heldOpenMs: 30000 },
      { id: 'lab', name: 'Lab', fromZoneId: 'office', toZoneId: 'lab', releaseMs: 3000, heldOpenMs: 30000 },
    ],
    schedules: [
      {
        id: 'office-hours',
        name: 'Office hours',
        holidays: 'closed',
        windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
      },
    ],
    cards,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function stats(values: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}
