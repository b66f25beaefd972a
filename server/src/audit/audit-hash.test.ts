import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { auditEntryHash, canonicalJson, GENESIS_HASH, type HashedAuditFields } from './audit-hash.js';

const entry: HashedAuditFields = {
  seq: 1,
  at: 1_767_000_000_000,
  actorUserId: 'u-1',
  actorUsername: 'admin',
  actorRole: 'admin',
  source: 'http',
  action: 'update',
  entityType: 'cards',
  entityId: 'c-1',
  beforeState: '{"status":"active"}',
  afterState: '{"status":"revoked"}',
  requestId: 'r-1',
  ip: '127.0.0.1',
  detail: null,
};

describe('audit entry hashing', () => {
  test('the same state gives the same JSON whatever the order its properties were set in', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  test('the hash is SHA-256 hex, fixed for fixed content, and covers the previous hash', () => {
    const h = auditEntryHash(GENESIS_HASH, entry);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(auditEntryHash(GENESIS_HASH, { ...entry }), h);
    assert.notEqual(auditEntryHash('1'.repeat(64), entry), h);
  });

  test('changing any field changes the hash, and no two fields can trade text', () => {
    const base = auditEntryHash(GENESIS_HASH, entry);
    const changes: Array<Partial<HashedAuditFields>> = [
      { seq: 2 },
      { at: entry.at + 1 },
      { actorUserId: null },
      { actorUsername: 'mallory' },
      { actorRole: 'auditor' },
      { source: 'cli' },
      { action: 'delete' },
      { entityType: 'people' },
      { entityId: 'c-2' },
      { beforeState: null },
      { afterState: '{"status":"active"}' },
      { requestId: 'r-2' },
      { ip: '10.0.0.1' },
      { detail: 'x' },
      // Moving text from one field to the next must not give the same content.
      { entityType: 'cardsc-1', entityId: '' },
    ];
    for (const change of changes) assert.notEqual(auditEntryHash(GENESIS_HASH, { ...entry, ...change }), base, JSON.stringify(change));
  });
});
