import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { isAuditedTable, isSecretColumn, redact } from './audit-policy.js';

describe('audit policy', () => {
  test('OSDP key tables stay out of the entity audit (their operations are recorded as reader.* actions)', () => {
    assert.equal(isAuditedTable('reader_keys'), false);
    assert.equal(isAuditedTable('reader_key_operations'), false);
    assert.equal(isAuditedTable('readers'), true);
  });

  test('key material and passwords are secret columns: only a fingerprint enters the log', () => {
    for (const column of ['sealed', 'password_hash', 'client_secret', 'token_hash']) assert.equal(isSecretColumn(column), true, column);
    for (const column of ['reader_ref', 'status', 'key_id']) assert.equal(isSecretColumn(column), false, column);
    const fingerprint = redact('v1:c2VhbGVkIGtleQ==');
    assert.match(fingerprint, /^\[redacted:[0-9a-f]{12}\]$/);
    assert.ok(!fingerprint.includes('c2VhbGVkIGtleQ'));
  });
});
