import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { permissionSetHash, sumCardHashes } from '@acs/shared/sync/permission-hash';
import { card, captureLogger, demoPermissionSet, tempDir } from '../test-support/fixtures.js';
import { LocalStore } from './local-store.js';
import { Outbox, type NewAgentEvent } from './outbox.js';

function doorEvent(type: 'opened' | 'closed' = 'opened'): NewAgentEvent {
  return { kind: 'door', eventId: randomUUID(), agentId: 'agent-1', occurredAt: Date.now(), doorId: 'lab', type };
}

describe('local store', () => {
  test('keeps the permission set across close and reopen', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const set = demoPermissionSet({ version: 7 });
    const hash = permissionSetHash(set);
    let store = await LocalStore.open(dir.path);
    assert.equal(await store.loadPermissions(), null);
    await store.savePermissions(set, hash, sumCardHashes(set.cards), 1234);
    await store.close();

    store = await LocalStore.open(dir.path);
    const loaded = await store.loadPermissions();
    await store.close();
    assert.ok(loaded);
    assert.equal(loaded.hash, hash);
    assert.equal(loaded.appliedAt, 1234);
    assert.equal(loaded.cardSum, sumCardHashes(set.cards));
    assert.equal(permissionSetHash(loaded.set), hash, 'the reloaded set hashes the same');
  });

  test('replaces the whole set, dropping cards the new one lacks', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const first = demoPermissionSet({ version: 1 });
    await store.savePermissions(first, permissionSetHash(first), 0n, 1);
    const second = demoPermissionSet({ version: 2, cards: [card({ credential: 'em4100:5' })] });
    await store.savePermissions(second, permissionSetHash(second), 0n, 2);
    const loaded = await store.loadPermissions();
    assert.equal(loaded?.set.version, 2);
    assert.deepEqual(
      loaded?.set.cards.map((c) => c.credential),
      ['em4100:5'],
    );
  });

  test('stores many cards as rows in one transaction', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const cards = Array.from({ length: 5000 }, (_, i) => card({ credential: `em4100:${i + 1}`, cardId: `c${i}` }));
    const set = demoPermissionSet({ cards });
    await store.savePermissions(set, permissionSetHash(set), sumCardHashes(cards), 1);
    const loaded = await store.loadPermissions();
    assert.equal(loaded?.set.cards.length, 5000);
  });

  test('loads the set of a store written before sets were kept as payloads (one row per card)', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const set = demoPermissionSet({ version: 5 });
    const hash = permissionSetHash(set);
    const { cards, ...header } = set;
    const db = new sqlite3.Database(join(dir.path, 'agent.sqlite'));
    const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
    await exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE permission_header (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, hash TEXT NOT NULL, card_sum TEXT NOT NULL, applied_at INTEGER NOT NULL, header TEXT NOT NULL);
      CREATE TABLE permission_cards (credential TEXT PRIMARY KEY, card TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE outbox (seq INTEGER PRIMARY KEY, event TEXT NOT NULL);
      PRAGMA user_version = 1;`);
    const q = (v: string) => `'${v.replaceAll("'", "''")}'`;
    await exec(`INSERT INTO permission_header VALUES (1, 5, ${q(hash)}, ${q(sumCardHashes(cards).toString(16))}, 77, ${q(JSON.stringify(header))});
      ${cards.map((c) => `INSERT INTO permission_cards VALUES (${q(c.credential)}, ${q(JSON.stringify(c))});`).join('\n')}`);
    await new Promise<void>((resolve) => db.close(() => resolve()));

    const store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const loaded = await store.loadPermissions();
    assert.equal(loaded?.set.version, 5);
    assert.equal(loaded?.appliedAt, 77);
    assert.equal(permissionSetHash(loaded.set), hash);
  });

  test('keeps outbox events and the sequence counter across restarts', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    let store = await LocalStore.open(dir.path);
    const outbox = new Outbox(store, captureLogger().logger);
    const added = [outbox.add(doorEvent()), outbox.add(doorEvent('closed')), outbox.add(doorEvent())];
    assert.deepEqual(
      added.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(await outbox.flush(), true);
    await store.deleteEvents([1, 2, 3]);
    await store.close();

    store = await LocalStore.open(dir.path);
    assert.equal(store.lastSeq, 3, 'the counter survives even when the outbox is empty');
    const again = new Outbox(store, captureLogger().logger);
    const next = again.add(doorEvent());
    assert.equal(next.seq, 4);
    await again.flush();
    await store.close();

    store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const events = await store.readEvents(0, 10);
    assert.deepEqual(
      events.map((e) => e.seq),
      [4],
    );
    assert.deepEqual(events[0], next);
  });

  test('reads the outbox oldest first, after a given seq, and deletes acknowledged events', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const outbox = new Outbox(store, captureLogger().logger);
    for (let i = 0; i < 10; i++) outbox.add(doorEvent());
    await outbox.flush();
    assert.deepEqual(
      (await outbox.read(0, 3)).map((e) => e.seq),
      [1, 2, 3],
    );
    assert.deepEqual(
      (await outbox.read(8, 10)).map((e) => e.seq),
      [9, 10],
    );
    assert.equal(await outbox.ack([2, 4, 99]), 2);
    assert.equal(await outbox.durableCount(), 8);
    assert.deepEqual(
      (await outbox.read(0, 3)).map((e: AgentEvent) => e.seq),
      [1, 3, 5],
    );
  });

  test('batches events queued in the same tick into one write and signals durability', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const outbox = new Outbox(store, captureLogger().logger);
    const durable: number[] = [];
    outbox.on('durable', (seq) => durable.push(seq));
    for (let i = 0; i < 50; i++) outbox.add(doorEvent());
    assert.equal(outbox.pendingCount, 50);
    await outbox.flush();
    assert.deepEqual(durable, [50]);
    assert.equal(await outbox.durableCount(), 50);
  });

  test('keeps events in memory and retries when a write fails', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const store = await LocalStore.open(dir.path);
    onTestFinished(() => store.close());
    const log = captureLogger();
    const outbox = new Outbox(store, log.logger);
    onTestFinished(() => outbox.stop());
    const realAppend = store.appendEvents.bind(store);
    let failures = 1;
    store.appendEvents = async (events) => {
      if (failures-- > 0) throw new Error('disk I/O error');
      return realAppend(events);
    };
    outbox.add(doorEvent());
    outbox.add(doorEvent());
    assert.equal(await outbox.flush(3000), true);
    assert.equal(await outbox.durableCount(), 2);
    assert.equal(log.find('could not write events', 'ERROR').length, 1);
  });
});
