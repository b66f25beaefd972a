import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { assembleDocument, encodeCards } from '@acs/shared/sync/permission-wire';
import { LocalStore } from './store/local-store.js';
import { demoPermissionSet, tempDir } from './test-support/fixtures.js';
import { runNode } from './test-support/spawn.js';

const CLI = fileURLToPath(new URL('./permissions-cli.js', import.meta.url));

describe('acs-permissions', () => {
  test('prints a binary set as its JSON snapshot message, field for field', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const set = demoPermissionSet({ version: 4 });
    const { cards, ...header } = set;
    const file = join(dir.path, 'set.bin');
    await writeFile(file, assembleDocument({ hash: permissionSetHash(set), header }, encodeCards(cards), false));
    const run = await runNode(CLI, [file]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { kind: 'snapshot', set, hash: permissionSetHash(set) });
  });

  test('prints the set an agent has stored, or its summary', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const set = demoPermissionSet({ version: 6 });
    const store = await LocalStore.open(dir.path);
    await store.savePermissions(set, permissionSetHash(set), 0n, 1);
    await store.close();
    const summary = await runNode(CLI, ['--data-dir', dir.path, '--summary']);
    assert.equal(summary.code, 0, summary.stderr);
    assert.deepEqual(JSON.parse(summary.stdout).set.cards, 2);
    const full = await runNode(CLI, ['--data-dir', dir.path]);
    assert.equal(JSON.parse(full.stdout).set.cards.length, 2);
  });

  test('names what is wrong with bytes that are not a set', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const file = join(dir.path, 'bad.bin');
    await writeFile(file, Buffer.from('ACSP\u0007D garbage'));
    const run = await runNode(CLI, [file]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /schema version 7; this agent reads version 1: upgrade the agent/);
  });
});
