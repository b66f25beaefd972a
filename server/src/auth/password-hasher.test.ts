import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { hashingLoad, PasswordHasher, passwordPolicyProblem } from './password-hasher.js';

describe('password hashing', () => {
  const hasher = new PasswordHasher();

  test('stores scrypt with its parameters and a random salt, and verifies only the right password', async () => {
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    assert.match(a, /^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b, 'two hashes of one password differ by salt');
    assert.equal(await hasher.verify('correct horse battery', a), true);
    assert.equal(await hasher.verify('correct horse battery!', a), false);
    assert.equal(await hasher.verify('anything', 'not-a-hash'), false);
  });

  test('verifies hashes made with other parameters and says when they should be raised', async () => {
    const weak = new PasswordHasher({ logN: 12, r: 8, p: 1 });
    const stored = await weak.hash('old password 123');
    assert.equal(await hasher.verify('old password 123', stored), true);
    assert.equal(hasher.needsRehash(stored), true);
    assert.equal(hasher.needsRehash(await hasher.hash('x')), false);
  });

  test('new hashes meet OWASP’s scrypt minimum (N=2^17, r=8, p=1); the former 2^15 hashes are raised at the next sign-in', async () => {
    assert.equal(new PasswordHasher().needsRehash(await new PasswordHasher({ logN: 15, r: 8, p: 1 }).hash('an older password')), true);
    assert.match(await new PasswordHasher().hash('a new password'), /^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  test('hashing runs at most two derivations at once, however many sign-ins arrive together', async () => {
    const cheap = new PasswordHasher({ logN: 12, r: 8, p: 1 });
    const all = Promise.all(Array.from({ length: 20 }, (_, i) => cheap.hash(`secret ${i}`)));
    assert.ok(hashingLoad().waiting >= 17, `queued: ${hashingLoad().waiting}`);
    const hashes = await all;
    assert.equal(new Set(hashes).size, 20);
    assert.equal(hashingLoad().peak, 2);
    assert.deepEqual([hashingLoad().running, hashingLoad().waiting], [0, 0]);
  });

  test('the policy wants at least 10 characters that are not one repeated character nor contain the username', () => {
    assert.match(passwordPolicyProblem('my-meilin-is-secret', 'MeiLin') ?? '', /must not contain the username/);
    assert.match(passwordPolicyProblem('2024meilin!!x', 'meilin') ?? '', /must not contain the username/);
    assert.equal(passwordPolicyProblem('a long enough passphrase', 'al'), null, 'a username of two letters is too short to mean anything');
    assert.match(passwordPolicyProblem('short') ?? '', /at least 10/);
    assert.match(passwordPolicyProblem('aaaaaaaaaaaa') ?? '', /single character/);
    assert.match(passwordPolicyProblem('alexandria1', 'Alexandria1') ?? '', /username/);
    assert.equal(passwordPolicyProblem('a long enough passphrase'), null);
  });

  test('the policy refuses well-known passwords and their variants with digits or symbols appended, and digits only', () => {
    for (const weak of ['password123', 'Password2024!', 'qwertyuiop', 'QWERTYUIOP123', 'woaini1314', '1qaz2wsx3edc', '12345678901']) {
      assert.match(passwordPolicyProblem(weak) ?? '', /too common/, weak);
    }
    assert.match(passwordPolicyProblem('zhangwei2024!', 'zhangwei') ?? '', /username/);
    assert.match(passwordPolicyProblem('twelve chars', undefined, 14) ?? '', /at least 14/);
    assert.equal(passwordPolicyProblem('passwords are like toothbrushes'), null, 'a common word inside a passphrase is fine');
  });
});
