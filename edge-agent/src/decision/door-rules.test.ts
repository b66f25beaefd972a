import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { ReaderDirection } from '@acs/shared/access/model';
import type { PermissionCard, PermissionSet } from '@acs/shared/mqtt/payloads';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { card, demoPermissionSet } from '../test-support/fixtures.js';
import { compilePermissionSet, type CompiledPermissions } from './compiled-permissions.js';
import { DecisionEngine } from './decision-engine.js';
import { AntiPassbackRule, standardRules } from './decision-rules.js';

// Wednesday 5 March 2025, 10:00 in Shanghai.
const T0 = Date.UTC(2025, 2, 5, 2, 0);
const SEC = 1000;
const HOUR = 3_600_000;
const all = (...zones: string[]) => zones.map((zoneId) => ({ zoneId, scheduleId: null, validUntil: null }));

const ALICE = card({
  credential: 'em4100:1001',
  cardId: 'c-alice',
  personId: 'p-alice',
  holder: 'Alice',
  grants: all('lobby', 'office', 'lab', 'machine-room'),
});
const BOB = card({
  credential: 'em4100:1002',
  cardId: 'c-bob',
  personId: 'p-bob',
  holder: 'Bob',
  grants: all('lobby', 'office', 'lab', 'machine-room'),
});
const CONTRACTOR = card({
  credential: 'em4100:1003',
  cardId: 'c-con',
  personId: 'p-con',
  holder: 'Chen',
  type: 'contractor',
  grants: all('lobby', 'office', 'lab'),
});
const VISITOR = card({
  credential: 'em4100:2001',
  cardId: 'c-vis',
  personId: 'p-vis',
  holder: 'Visitor',
  type: 'visitor',
  grants: all('lobby', 'office', 'lab'),
});
const VISITOR_NAMED = card({ ...VISITOR, credential: 'em4100:2002', cardId: 'c-vis2', personId: 'p-vis2', escortPersonIds: ['p-bob'] });
const GUARD = card({
  credential: 'em4100:3001',
  cardId: 'c-guard',
  personId: 'p-guard',
  holder: 'Guard',
  grants: all('lobby', 'office', 'lab'),
  lockdownAccess: true,
});

function siteSet(
  overrides: Partial<PermissionSet> = {},
  cards: PermissionCard[] = [ALICE, BOB, CONTRACTOR, VISITOR, VISITOR_NAMED, GUARD],
): CompiledPermissions {
  const base = demoPermissionSet();
  const zones = base.zones.map((z) => (z.id === 'machine-room' ? { ...z, twoPerson: true } : z));
  return compilePermissionSet({ ...base, zones, cards, ...overrides });
}

/** An engine with its own rule state, deciding against one compiled set. */
function door(set: CompiledPermissions = siteSet()) {
  const engine = new DecisionEngine(standardRules());
  return (who: PermissionCard, doorId: string, at: number, direction: ReaderDirection = 'in', offlineSince: number | null = null) =>
    engine.decide(set, { credential: who.credential, doorId, direction, at, offlineSince }).reason;
}

describe('escort (visitors at L1 and above)', () => {
  test('a visitor alone at an L1 door is refused with escort_required', () => {
    assert.equal(door()(VISITOR, 'office-gate', T0), 'escort_required');
  });

  test('an employee badging first at the same door escorts the visitor within the window', () => {
    const badge = door();
    assert.equal(badge(ALICE, 'office-gate', T0), 'granted');
    assert.equal(badge(VISITOR, 'office-gate', T0 + 10 * SEC), 'granted');
  });

  test('the escort window closes: 31 s later the visitor is refused again', () => {
    const badge = door();
    badge(ALICE, 'office-gate', T0);
    assert.equal(badge(VISITOR, 'office-gate', T0 + 31 * SEC), 'escort_required');
  });

  test('an escort at another door does not count', () => {
    const badge = door();
    badge(ALICE, 'lab', T0);
    assert.equal(badge(VISITOR, 'office-gate', T0 + SEC), 'escort_required');
  });

  test('a contractor cannot escort a visit that names nobody; a denied employee cannot either', () => {
    const badge = door();
    assert.equal(badge(CONTRACTOR, 'office-gate', T0), 'granted');
    assert.equal(badge(VISITOR, 'office-gate', T0 + SEC), 'escort_required');
    const noGrant = card({ credential: 'em4100:1009', cardId: 'c-x', personId: 'p-x', grants: [] });
    const badge2 = door(siteSet({}, [noGrant, VISITOR]));
    assert.equal(badge2(noGrant, 'office-gate', T0), 'no_permission');
    assert.equal(badge2(VISITOR, 'office-gate', T0 + SEC), 'escort_required');
  });

  test('a visit that names its escorts accepts only them', () => {
    const badge = door();
    badge(ALICE, 'office-gate', T0);
    assert.equal(badge(VISITOR_NAMED, 'office-gate', T0 + SEC), 'escort_required');
    badge(BOB, 'office-gate', T0 + 2 * SEC);
    assert.equal(badge(VISITOR_NAMED, 'office-gate', T0 + 3 * SEC), 'granted');
  });

  test('no escort is needed into L0 (leaving through the lobby)', () => {
    assert.equal(door()(VISITOR, 'office-gate', T0, 'out'), 'granted');
  });

  test('the window comes from the permission set', () => {
    const badge = door(siteSet({ rules: { escortWindowMs: 60_000 } }));
    badge(ALICE, 'office-gate', T0);
    assert.equal(badge(VISITOR, 'office-gate', T0 + 50 * SEC), 'granted');
  });
});

describe('two-person rule (zones that carry it)', () => {
  test('the first authorised person waits (two_person_pending), a second person opens within the window', () => {
    const badge = door();
    assert.equal(badge(ALICE, 'machine-room', T0), 'two_person_pending');
    assert.equal(badge(BOB, 'machine-room', T0 + 5 * SEC), 'granted');
  });

  test('the same person twice does not make two', () => {
    const badge = door();
    badge(ALICE, 'machine-room', T0);
    assert.equal(badge(ALICE, 'machine-room', T0 + 2 * SEC), 'two_person_pending');
  });

  test('the window closes after 15 s by default', () => {
    const badge = door();
    badge(ALICE, 'machine-room', T0);
    assert.equal(badge(BOB, 'machine-room', T0 + 16 * SEC), 'two_person_pending');
  });

  test('an unauthorised second card does not complete the pair', () => {
    const badge = door();
    badge(ALICE, 'machine-room', T0);
    assert.equal(badge(CONTRACTOR, 'machine-room', T0 + SEC), 'level_ceiling');
    assert.equal(badge(BOB, 'machine-room', T0 + 2 * SEC), 'granted', 'Alice is still waiting, Bob completes the pair');
  });

  test('after an opening the next person starts a new pair', () => {
    const badge = door();
    badge(ALICE, 'machine-room', T0);
    badge(BOB, 'machine-room', T0 + SEC);
    assert.equal(badge(ALICE, 'machine-room', T0 + 2 * SEC), 'two_person_pending');
  });

  test('zones without the rule open for one person', () => {
    const base = demoPermissionSet();
    assert.equal(door(compilePermissionSet({ ...base, cards: [ALICE] }))(ALICE, 'machine-room', T0), 'granted');
  });
});

describe('anti-passback', () => {
  const withMode = (mode: 'soft' | 'hard' | 'off') => {
    const base = demoPermissionSet();
    return compilePermissionSet({
      ...base,
      zones: base.zones.map((z) => (z.id === 'lab' ? { ...z, antiPassback: mode } : z)),
      cards: [ALICE, BOB],
    });
  };

  test('hard: entering twice without leaving is refused with anti_passback; leaving resets it', () => {
    const badge = door(withMode('hard'));
    assert.equal(badge(ALICE, 'lab', T0), 'granted');
    assert.equal(badge(ALICE, 'lab', T0 + HOUR), 'anti_passback');
    assert.equal(badge(ALICE, 'lab', T0 + HOUR, 'out'), 'granted');
    assert.equal(badge(ALICE, 'lab', T0 + 2 * HOUR), 'granted');
  });

  test('hard: leaving without having entered is refused too (the card was passed back out)', () => {
    const badge = door(withMode('hard'));
    badge(ALICE, 'lab', T0);
    badge(ALICE, 'lab', T0 + SEC, 'out');
    assert.equal(badge(ALICE, 'lab', T0 + 2 * SEC, 'out'), 'anti_passback');
  });

  test('soft: the second entry is granted with granted_passback_soft (an alert, not a locked door)', () => {
    const badge = door(withMode('soft'));
    badge(ALICE, 'lab', T0);
    assert.equal(badge(ALICE, 'lab', T0 + SEC), 'granted_passback_soft');
  });

  test('off: no tracking; other people are tracked separately', () => {
    const off = door(withMode('off'));
    off(ALICE, 'lab', T0);
    assert.equal(off(ALICE, 'lab', T0 + SEC), 'granted');
    const hard = door(withMode('hard'));
    hard(ALICE, 'lab', T0);
    assert.equal(hard(BOB, 'lab', T0 + SEC), 'granted');
  });

  test('a guard can forgive a person', () => {
    const rule = new AntiPassbackRule();
    const rules = standardRules().map((r) => (r.name === 'anti-passback' ? rule : r));
    const engine = new DecisionEngine(rules);
    const set = withMode('hard');
    engine.decide(set, { credential: ALICE.credential, doorId: 'lab', direction: 'in', at: T0 });
    assert.equal(rule.whereIs('p-alice'), 'lab');
    rule.forgive('p-alice');
    assert.equal(engine.decide(set, { credential: ALICE.credential, doorId: 'lab', direction: 'in', at: T0 + SEC }).reason, 'granted');
  });

  test('a refused badge does not move the person', () => {
    const badge = door(withMode('hard'));
    badge(ALICE, 'lab', T0);
    badge(ALICE, 'lab', T0 + SEC); // refused
    assert.equal(badge(ALICE, 'lab', T0 + 2 * SEC, 'out'), 'granted');
  });
});

describe('lockdown', () => {
  test('site lockdown refuses every ordinary card with lockdown, designated cards still open', () => {
    const badge = door(siteSet({ lockdown: { site: true, zoneIds: [] } }));
    assert.equal(badge(ALICE, 'office-gate', T0), 'lockdown');
    assert.equal(badge(GUARD, 'office-gate', T0), 'granted');
  });

  test('a zone lockdown covers its doors and the zones nested in it, not the others', () => {
    const badge = door(siteSet({ lockdown: { site: false, zoneIds: ['office'] } }));
    assert.equal(badge(ALICE, 'office-gate', T0), 'lockdown');
    assert.equal(badge(ALICE, 'lab', T0), 'lockdown', 'lab is nested in office');
    const labOnly = door(siteSet({ lockdown: { site: false, zoneIds: ['lab'] } }));
    assert.equal(labOnly(ALICE, 'lab', T0), 'lockdown');
    assert.equal(labOnly(ALICE, 'office-gate', T0), 'granted');
  });

  test('a designated card still needs its permissions, and a lost card says lost, not lockdown', () => {
    const badge = door(siteSet({ lockdown: { site: true, zoneIds: [] } }));
    assert.equal(badge(GUARD, 'machine-room', T0), 'no_permission');
    const lost = card({ ...ALICE, status: 'lost' });
    assert.equal(door(siteSet({ lockdown: { site: true, zoneIds: [] } }, [lost]))(lost, 'office-gate', T0), 'card_lost');
  });

  test('lockdown and the designated cards are part of the content hash', () => {
    const base = demoPermissionSet();
    const plain = permissionSetHash(base);
    assert.notEqual(permissionSetHash({ ...base, lockdown: { site: true, zoneIds: [] } }), plain);
    assert.notEqual(permissionSetHash({ ...base, cards: base.cards.map((c) => ({ ...c, lockdownAccess: true })) }), plain);
    assert.equal(
      permissionSetHash({ ...base, cards: base.cards.map((c) => ({ ...c, lockdownAccess: false })) }),
      plain,
      'absent and false hash alike',
    );
  });
});

describe('offline limit per card type', () => {
  const set = siteSet({ rules: { offlineLimitsMs: { visitor: 12 * HOUR, contractor: 24 * HOUR } } });

  test('in touch with the server: no limit applies', () => {
    const badge = door(set);
    badge(ALICE, 'office-gate', T0);
    assert.equal(badge(VISITOR, 'office-gate', T0 + SEC, 'in', null), 'granted');
  });

  test('a visitor card keeps working for 12 h offline, then is refused with offline_limit', () => {
    const badge = door(set);
    const since = T0 - 11 * HOUR;
    badge(ALICE, 'office-gate', T0, 'in', since);
    assert.equal(badge(VISITOR, 'office-gate', T0 + SEC, 'in', since), 'granted');
    const longAgo = T0 - 13 * HOUR;
    badge(ALICE, 'office-gate', T0 + 2 * SEC, 'in', longAgo);
    assert.equal(badge(VISITOR, 'office-gate', T0 + 3 * SEC, 'in', longAgo), 'offline_limit');
  });

  test('employees keep working after days offline; contractors stop after their own limit', () => {
    const badge = door(set);
    const threeDays = T0 - 72 * HOUR;
    assert.equal(badge(ALICE, 'office-gate', T0, 'in', threeDays), 'granted');
    assert.equal(badge(CONTRACTOR, 'office-gate', T0, 'in', threeDays), 'offline_limit');
    assert.equal(badge(CONTRACTOR, 'office-gate', T0, 'in', T0 - 23 * HOUR), 'granted');
  });
});

describe('rule precedence', () => {
  test('card status before lockdown, lockdown before permissions, escort after schedule', () => {
    const revoked = card({ ...VISITOR, status: 'revoked' });
    assert.equal(door(siteSet({ lockdown: { site: true, zoneIds: [] } }, [revoked]))(revoked, 'office-gate', T0), 'card_revoked');
    const noGrants = card({ credential: 'em4100:77', grants: [] });
    assert.equal(door(siteSet({ lockdown: { site: true, zoneIds: [] } }, [noGrants]))(noGrants, 'lab', T0), 'lockdown');
    // A visitor outside their schedule hears about the schedule, not the escort.
    const nightVisitor = card({ ...VISITOR, grants: [{ zoneId: 'office', scheduleId: 'office-hours', validUntil: null }] });
    assert.equal(door(siteSet({}, [nightVisitor]))(nightVisitor, 'office-gate', Date.UTC(2025, 2, 5, 14, 0)), 'outside_schedule');
  });
});
