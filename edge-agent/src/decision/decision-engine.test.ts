import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { ReaderDirection } from '@acs/shared/access/model';
import type { PermissionCard, PermissionSet } from '@acs/shared/mqtt/payloads';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { card, demoPermissionSet, TAG_CONTRACTOR, TAG_EMPLOYEE } from '../test-support/fixtures.js';
import { compilePermissionSet, PermissionHashState, PermissionSetError } from './compiled-permissions.js';
import { CardTable } from './card-table.js';
import { DecisionEngine } from './decision-engine.js';
import { basicRules, standardRules, type DecisionRule } from './decision-rules.js';
import { SiteClock } from './site-clock.js';

const EMPLOYEE = `em4100:${TAG_EMPLOYEE}`;
const CONTRACTOR = `em4100:${TAG_CONTRACTOR}`;
// Wednesday 5 March 2025, 10:00 in Shanghai (UTC+8).
const WED_10_SHANGHAI = Date.UTC(2025, 2, 5, 2, 0);
const HOUR = 3_600_000;

function decide(
  set: PermissionSet | null,
  credential: string,
  doorId: string,
  at = WED_10_SHANGHAI,
  direction: ReaderDirection = 'in',
  rules?: DecisionRule[],
) {
  const engine = new DecisionEngine(rules);
  return engine.decide(set ? compilePermissionSet(set) : null, { credential, doorId, direction, at });
}

/** The demo set with one extra card. */
function withCard(extra: PermissionCard, overrides: Partial<PermissionSet> = {}): PermissionSet {
  const base = demoPermissionSet(overrides);
  return { ...base, cards: [...base.cards, extra] };
}

const TEST = 'em4100:42';
const grant = (zoneId: string, scheduleId: string | null = null, validUntil: number | null = null) => ({ zoneId, scheduleId, validUntil });

describe('decision engine: lookups', () => {
  test('grants an active employee with a permission for the target zone', () => {
    const d = decide(demoPermissionSet(), EMPLOYEE, 'office-gate');
    assert.deepEqual(
      [d.granted, d.reason, d.zoneId, d.card?.cardId, d.permissionVersion],
      [true, 'granted', 'office', `card-${EMPLOYEE}`, 1],
    );
  });

  test('denies everything with no_permission_set before a set arrives', () => {
    const d = decide(null, EMPLOYEE, 'office-gate');
    assert.deepEqual([d.granted, d.reason, d.card, d.permissionVersion], [false, 'no_permission_set', null, null]);
  });

  test('denies a door the set does not know with unknown_door', () => {
    const d = decide(demoPermissionSet(), EMPLOYEE, 'loading-dock');
    assert.deepEqual([d.granted, d.reason], [false, 'unknown_door']);
  });

  test('denies a credential the set does not know with unknown_card, naming the target zone', () => {
    const d = decide(demoPermissionSet(), 'em4100:1', 'lab');
    assert.deepEqual([d.granted, d.reason, d.zoneId, d.card], [false, 'unknown_card', 'lab', null]);
  });

  test("targets the door's from-zone for an out reader", () => {
    const set = withCard(card({ credential: TEST, grants: [grant('office')] }));
    assert.deepEqual(
      [decide(set, TEST, 'lab', WED_10_SHANGHAI, 'out').reason, decide(set, TEST, 'lab', WED_10_SHANGHAI, 'out').zoneId],
      ['granted', 'office'],
    );
    assert.equal(decide(set, TEST, 'lab', WED_10_SHANGHAI, 'in').reason, 'no_permission');
  });
});

describe('decision engine: card status and validity', () => {
  for (const [status, reason] of [
    ['suspended', 'card_suspended'],
    ['lost', 'card_lost'],
    ['revoked', 'card_revoked'],
    ['issued', 'card_not_active'],
    ['returned', 'card_not_active'],
    ['destroyed', 'card_not_active'],
  ] as const) {
    test(`denies a ${status} card with reason ${reason}`, () => {
      const set = withCard(card({ credential: TEST, status, grants: [grant('office')] }));
      const d = decide(set, TEST, 'office-gate');
      assert.deepEqual([d.granted, d.reason], [false, reason]);
    });
  }

  test('denies a card before its validity window with card_not_yet_valid', () => {
    const set = withCard(card({ credential: TEST, validFrom: WED_10_SHANGHAI + HOUR, grants: [grant('office')] }));
    assert.equal(decide(set, TEST, 'office-gate').reason, 'card_not_yet_valid');
  });

  test('denies a card after its validity window with card_expired (the end is exclusive)', () => {
    const set = withCard(card({ credential: TEST, validUntil: WED_10_SHANGHAI, grants: [grant('office')] }));
    assert.equal(decide(set, TEST, 'office-gate').reason, 'card_expired');
  });

  test('grants a card inside its validity window', () => {
    const set = withCard(
      card({ credential: TEST, validFrom: WED_10_SHANGHAI - HOUR, validUntil: WED_10_SHANGHAI + HOUR, grants: [grant('office')] }),
    );
    assert.equal(decide(set, TEST, 'office-gate').reason, 'granted');
  });
});

describe('decision engine: card-type ceilings', () => {
  test('denies a contractor at an L3 zone with level_ceiling even with a grant', () => {
    const d = decide(demoPermissionSet(), CONTRACTOR, 'machine-room');
    assert.deepEqual([d.granted, d.reason, d.zoneId], [false, 'level_ceiling', 'machine-room']);
  });

  test('grants a contractor at an L1 zone', () => {
    assert.equal(decide(demoPermissionSet(), CONTRACTOR, 'office-gate').reason, 'granted');
  });

  test('grants a contractor at L3 when an exception raises the ceiling', () => {
    const set = withCard(card({ credential: TEST, type: 'contractor', levelCeilingOverride: 3, grants: [grant('machine-room')] }));
    assert.equal(decide(set, TEST, 'machine-room').reason, 'granted');
  });

  test('denies a visitor at L3 with level_ceiling', () => {
    const set = withCard(card({ credential: TEST, type: 'visitor', grants: [grant('machine-room')] }));
    assert.equal(decide(set, TEST, 'machine-room').reason, 'level_ceiling');
  });

  test('uses the ceilings the set carries', () => {
    const set = withCard(card({ credential: TEST, type: 'visitor', grants: [grant('lab')] }), {
      cardTypeCeilings: { employee: 3, contractor: 2, temporary: 2, visitor: 1 },
    });
    assert.equal(decide(set, TEST, 'lab').reason, 'level_ceiling');
  });
});

describe('decision engine: zone permissions', () => {
  test('denies a card without a grant for the target zone with no_permission', () => {
    const set = withCard(card({ credential: TEST, grants: [grant('office')] }));
    assert.equal(decide(set, TEST, 'lab').reason, 'no_permission');
  });

  test('denies a card whose grant has expired with permission_expired', () => {
    const set = withCard(card({ credential: TEST, grants: [grant('lab', null, WED_10_SHANGHAI - 1)] }));
    assert.equal(decide(set, TEST, 'lab').reason, 'permission_expired');
  });

  test('grants while the grant is still in force', () => {
    const set = withCard(card({ credential: TEST, grants: [grant('lab', null, WED_10_SHANGHAI + 1)] }));
    assert.equal(decide(set, TEST, 'lab').reason, 'granted');
  });

  test('grants when one of two grants for the zone is in force', () => {
    const set = withCard(card({ credential: TEST, grants: [grant('lab', null, WED_10_SHANGHAI - 1), grant('lab', 'office-hours')] }));
    assert.equal(decide(set, TEST, 'lab').reason, 'granted');
  });
});

describe('decision engine: schedules in the site time zone', () => {
  const officeHours = withCard(card({ credential: TEST, grants: [grant('lab', 'office-hours')] }));
  const nightShift = withCard(card({ credential: TEST, grants: [grant('lab', 'night-shift')] }));
  const shanghai = (day: number, hour: number, minute = 0) => Date.UTC(2025, 2, day, hour - 8, minute);

  test('grants inside office hours in Asia/Shanghai (Wednesday 09:00 local = 01:00 UTC)', () => {
    assert.equal(decide(officeHours, TEST, 'lab', shanghai(5, 9)).reason, 'granted');
  });

  test('denies outside office hours with outside_schedule (Wednesday 18:00 local, the end is exclusive)', () => {
    assert.equal(decide(officeHours, TEST, 'lab', shanghai(5, 18)).reason, 'outside_schedule');
    assert.equal(decide(officeHours, TEST, 'lab', shanghai(5, 17, 59)).reason, 'granted');
  });

  test('denies on a Saturday with outside_schedule', () => {
    assert.equal(decide(officeHours, TEST, 'lab', shanghai(8, 10)).reason, 'outside_schedule');
  });

  test('uses the local day, not the UTC day (Monday 07:30 UTC is Monday 15:30 local; Monday 01:00 local is Sunday UTC)', () => {
    assert.equal(decide(officeHours, TEST, 'lab', Date.UTC(2025, 2, 3, 7, 30)).reason, 'granted');
    assert.equal(decide(nightShift, TEST, 'lab', Date.UTC(2025, 2, 2, 17, 0)).reason, 'granted');
  });

  test('grants a window that runs across midnight on both sides of it', () => {
    assert.equal(decide(nightShift, TEST, 'lab', shanghai(5, 23, 30)).reason, 'granted');
    assert.equal(decide(nightShift, TEST, 'lab', shanghai(6, 5, 59)).reason, 'granted');
  });

  test('denies after a window across midnight has ended', () => {
    assert.equal(decide(nightShift, TEST, 'lab', shanghai(6, 6, 0)).reason, 'outside_schedule');
    assert.equal(decide(nightShift, TEST, 'lab', shanghai(5, 21, 59)).reason, 'outside_schedule');
  });

  test('wraps a Sunday-night window into Monday morning', () => {
    const sundayOnly = withCard(card({ credential: TEST, grants: [grant('lab', 'sun-night')] }), {
      schedules: [{ id: 'sun-night', name: 'Sunday night', holidays: 'normal', windows: [{ days: [7], start: '22:00', end: '02:00' }] }],
    });
    assert.equal(decide(sundayOnly, TEST, 'lab', shanghai(10, 1, 0)).reason, 'granted'); // Monday 01:00
    assert.equal(decide(sundayOnly, TEST, 'lab', shanghai(11, 1, 0)).reason, 'outside_schedule'); // Tuesday 01:00
  });

  test('denies on a site holiday with reason holiday when the schedule closes on holidays', () => {
    // 1 October 2025 is a Wednesday and a listed holiday.
    const d = decide(officeHours, TEST, 'lab', Date.UTC(2025, 9, 1, 2, 0));
    assert.deepEqual([d.granted, d.reason], [false, 'holiday']);
    assert.equal(decide(officeHours, TEST, 'lab', Date.UTC(2025, 9, 2, 2, 0)).reason, 'granted');
  });

  test('grants on a holiday when the schedule treats holidays as normal days', () => {
    assert.equal(decide(nightShift, TEST, 'lab', Date.UTC(2025, 9, 1, 15, 0)).reason, 'granted'); // 23:00 local
  });

  test('holidays are local dates: 16:00 UTC on 30 September is already 1 October in Shanghai', () => {
    const allDay = withCard(card({ credential: TEST, grants: [grant('lab', 'all-day')] }), {
      schedules: [
        { id: 'all-day', name: 'All day', holidays: 'closed', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }] },
      ],
    });
    assert.equal(decide(allDay, TEST, 'lab', Date.UTC(2025, 8, 30, 16, 0)).reason, 'holiday');
    assert.equal(decide(allDay, TEST, 'lab', Date.UTC(2025, 8, 30, 15, 59)).reason, 'granted');
  });

  test('denies a grant whose schedule the set does not define with outside_schedule', () => {
    const set = withCard(card({ credential: TEST, grants: [grant('lab', 'no-such-schedule')] }));
    assert.equal(decide(set, TEST, 'lab').reason, 'outside_schedule');
  });

  test('follows the daylight-saving change in Europe/Berlin', () => {
    // Sunday 30 March 2025: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    const berlin = withCard(card({ credential: TEST, grants: [grant('lab', 'sunday-day')] }), {
      site: { timeZone: 'Europe/Berlin', holidays: [] },
      schedules: [{ id: 'sunday-day', name: 'Sunday 08-18', holidays: 'normal', windows: [{ days: [7], start: '08:00', end: '18:00' }] }],
    });
    assert.equal(decide(berlin, TEST, 'lab', Date.UTC(2025, 2, 30, 6, 30)).reason, 'granted'); // 08:30 CEST
    assert.equal(decide(berlin, TEST, 'lab', Date.UTC(2025, 2, 30, 5, 59)).reason, 'outside_schedule'); // 07:59 CEST
    assert.equal(decide(berlin, TEST, 'lab', Date.UTC(2025, 2, 30, 15, 59)).reason, 'granted'); // 17:59 CEST
    assert.equal(decide(berlin, TEST, 'lab', Date.UTC(2025, 2, 30, 16, 0)).reason, 'outside_schedule'); // 18:00 CEST
    // A week earlier (winter time) 07:00 UTC is 08:00 local.
    assert.equal(decide(berlin, TEST, 'lab', Date.UTC(2025, 2, 23, 7, 0)).reason, 'granted');
    assert.equal(decide(berlin, TEST, 'lab', Date.UTC(2025, 2, 23, 6, 30)).reason, 'outside_schedule');
  });
});

describe('site clock', () => {
  test('jumps from 01:59 to 03:00 at the Berlin spring change', () => {
    const clock = new SiteClock('Europe/Berlin');
    assert.deepEqual(clock.at(Date.UTC(2025, 2, 30, 0, 59, 30)), { weekday: 7, minuteOfDay: 119, date: '2025-03-30' });
    assert.deepEqual(clock.at(Date.UTC(2025, 2, 30, 1, 0)), { weekday: 7, minuteOfDay: 180, date: '2025-03-30' });
  });

  test('repeats 02:00-02:59 at the Berlin autumn change', () => {
    const clock = new SiteClock('Europe/Berlin');
    assert.equal(clock.at(Date.UTC(2025, 9, 26, 0, 30)).minuteOfDay, 150);
    assert.equal(clock.at(Date.UTC(2025, 9, 26, 1, 30)).minuteOfDay, 150);
  });

  test('reports midnight as minute 0 of the new day', () => {
    assert.deepEqual(new SiteClock('Asia/Shanghai').at(Date.UTC(2025, 2, 4, 16, 0)), { weekday: 3, minuteOfDay: 0, date: '2025-03-05' });
  });

  test('refuses an unknown time zone', () => {
    assert.throws(() => new SiteClock('Mars/Olympus_Mons'), RangeError);
  });
});

describe('decision engine: rule pipeline', () => {
  test('a rule added after the standard ones can deny (as lockdown or anti-passback will)', () => {
    const observed: string[] = [];
    const lockdown: DecisionRule = {
      name: 'lockdown',
      check: (ctx) => (ctx.zone.id === 'machine-room' ? 'lockdown' : null),
      observe: (_ctx, decision) => observed.push(decision.reason),
    };
    const rules = [...basicRules(), lockdown];
    assert.equal(decide(demoPermissionSet(), EMPLOYEE, 'machine-room', WED_10_SHANGHAI, 'in', rules).reason, 'lockdown');
    assert.equal(decide(demoPermissionSet(), EMPLOYEE, 'lab', WED_10_SHANGHAI, 'in', rules).reason, 'granted');
    assert.deepEqual(observed, ['lockdown', 'granted']);
  });

  test('a rule can grant with a note (soft anti-passback) unless a later rule denies', () => {
    const soft: DecisionRule = { name: 'soft-passback', check: () => 'granted_passback_soft' };
    const d = decide(demoPermissionSet(), EMPLOYEE, 'lab', WED_10_SHANGHAI, 'in', [...standardRules(), soft]);
    assert.deepEqual([d.granted, d.reason], [true, 'granted_passback_soft']);
    const deny: DecisionRule = { name: 'deny', check: () => 'anti_passback' };
    assert.equal(
      decide(demoPermissionSet(), EMPLOYEE, 'lab', WED_10_SHANGHAI, 'in', [...standardRules(), soft, deny]).reason,
      'anti_passback',
    );
  });
});

describe('compiling a permission set', () => {
  test('indexes cards by credential and grants by zone', () => {
    const compiled = compilePermissionSet(demoPermissionSet());
    assert.ok(compiled.cards instanceof CardTable);
    assert.equal(compiled.cards.get(EMPLOYEE)?.grants.get('lab')?.length, 1);
    assert.equal(compiled.cards.get(CONTRACTOR)?.ceiling, 2);
  });

  test('carries the same hash as the shared permissionSetHash', () => {
    const set = demoPermissionSet();
    assert.equal(compilePermissionSet(set).hash, permissionSetHash(set));
  });

  test('updates the hash incrementally when a card changes', () => {
    const set = demoPermissionSet();
    const before = set.cards[1]!;
    const after = { ...before, status: 'revoked' as const };
    const incremental = PermissionHashState.of(set).withCard(before, after);
    assert.equal(incremental.hash, permissionSetHash({ ...set, cards: [set.cards[0]!, after] }));
  });

  test('rejects an unknown time zone', () => {
    assert.throws(() => compilePermissionSet(demoPermissionSet({ site: { timeZone: 'Nowhere/Else', holidays: [] } })), PermissionSetError);
  });

  test('rejects a door joining an unknown zone', () => {
    const set = demoPermissionSet();
    set.doors.push({ id: 'ghost', name: 'Ghost', fromZoneId: 'office', toZoneId: 'attic', releaseMs: 5000, heldOpenMs: 30000 });
    assert.throws(() => compilePermissionSet(set), /unknown zone 'attic'/);
  });

  test('rejects one credential on two cards', () => {
    const set = withCard(card({ credential: EMPLOYEE, cardId: 'other' }));
    assert.throws(() => compilePermissionSet(set), /appears on two cards/);
  });
});

describe('the compact card table', () => {
  test('gives back every card field for field (the content hash of each card is unchanged)', async () => {
    const { cardHash } = await import('@acs/shared/sync/permission-hash');
    const cards: PermissionCard[] = [
      card({ credential: 'em4100:1', grants: [grant('office'), grant('lab', 'office-hours', Date.UTC(2030, 0, 1))] }),
      card({
        credential: 'em4100:2',
        personId: null,
        holder: '',
        type: 'visitor',
        status: 'suspended',
        validFrom: 5,
        validUntil: 10,
        escortPersonIds: ['p-9', 'p-1'],
      }),
      card({ credential: 'em4100:3', type: 'contractor', levelCeilingOverride: 3, lockdownAccess: true, grants: [grant('office')] }),
      card({
        credential: 'em4100:4',
        cardId: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        personId: 'ffffffff-0000-4abc-9def-123456789abc',
        holder: '张伟',
      }),
    ];
    const compiled = compilePermissionSet({ ...demoPermissionSet(), cards });
    for (const original of cards) {
      const back = compiled.cards.payload(original.credential)!;
      assert.equal(cardHash(back), cardHash(original), original.credential);
      assert.deepEqual({ ...back, grants: back.grants }, original);
    }
    const visitor = compiled.cards.get('em4100:2')!;
    assert.deepEqual(
      [visitor.personId, visitor.validFrom, visitor.validUntil, [...visitor.escortPersonIds!]],
      [null, 5, 10, ['p-9', 'p-1']],
    );
    assert.equal(compiled.cards.get('em4100:3')!.ceiling, 3);
    assert.equal(compiled.cards.get('em4100:404'), undefined);
  });

  test('cards with the same grants share one compiled grant list', () => {
    const cards = [
      card({ credential: 'em4100:1', grants: [grant('office')] }),
      card({ credential: 'em4100:2', cardId: 'c2', grants: [grant('office')] }),
    ];
    const compiled = compilePermissionSet({ ...demoPermissionSet(), cards });
    assert.equal(compiled.cards.get('em4100:1')!.grants, compiled.cards.get('em4100:2')!.grants);
  });
});
