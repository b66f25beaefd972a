import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import type { PermissionCard, PermissionSet } from '../mqtt/payloads.js';
import { addCardHash, combineHash, headerCanonical, permissionSetHash, removeCardHash, sumCardHashes } from './permission-hash.js';

const card = (n: number, status: PermissionCard['status'] = 'active'): PermissionCard => ({
  credential: `em4100:${n}`,
  cardId: `card-${n}`,
  personId: `person-${n}`,
  holder: `Holder ${n}`,
  type: 'employee',
  status,
  validFrom: null,
  validUntil: null,
  levelCeilingOverride: null,
  grants: [
    { zoneId: 'office', scheduleId: null, validUntil: null },
    { zoneId: 'lab', scheduleId: 'business-hours', validUntil: null },
  ],
});

const set = (cards: PermissionCard[]): PermissionSet => ({
  agentId: 'agent-1',
  version: 7,
  issuedAt: 1,
  site: { timeZone: 'Asia/Shanghai', holidays: ['2026-10-01'] },
  cardTypeCeilings: { employee: 3, contractor: 2, temporary: 2, visitor: 2 },
  zones: [{ id: 'office', name: 'Office', level: 1, parentId: null, antiPassback: 'off' }],
  doors: [{ id: 'lab', name: 'Lab', fromZoneId: 'office', toZoneId: 'lab', releaseMs: 5000, heldOpenMs: 30000 }],
  schedules: [],
  cards,
});

describe('permission set hash', () => {
  test("does not depend on the order of cards or of a card's grants", () => {
    const a = set([card(1), card(2), card(3)]);
    const reordered = set([card(3), card(1), { ...card(2), grants: [...card(2).grants].reverse() }]);
    assert.equal(permissionSetHash(a), permissionSetHash(reordered));
  });

  test("changes when one card's status changes", () => {
    assert.notEqual(permissionSetHash(set([card(1), card(2)])), permissionSetHash(set([card(1), card(2, 'revoked')])));
  });

  test('ignores the issue time but not the version', () => {
    assert.equal(permissionSetHash(set([card(1)])), permissionSetHash({ ...set([card(1)]), issuedAt: 99 }));
    assert.notEqual(permissionSetHash(set([card(1)])), permissionSetHash({ ...set([card(1)]), version: 8 }));
  });

  test('an incremental update equals a full recomputation', () => {
    const before = set([card(1), card(2), card(3)]);
    let sum = sumCardHashes(before.cards);
    sum = removeCardHash(sum, card(2));
    sum = addCardHash(sum, card(2, 'lost'));
    const after = set([card(1), card(2, 'lost'), card(3)]);
    assert.equal(combineHash(headerCanonical(after), sum), permissionSetHash(after));
  });
});
