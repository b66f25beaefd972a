import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { LocalStore } from '../store/local-store.js';
import { gzipSync } from 'node:zlib';
import type { PermissionSet } from '@acs/shared/mqtt/payloads';
import { assembleDocument, encodeCards, splitIntoParts } from '@acs/shared/sync/permission-wire';
import { captureLogger, demoPermissionSet, largePermissionSet, snapshot, tempDir, until } from '../test-support/fixtures.js';
import { CardTable, OVERLAY_LIMIT } from './card-table.js';
import { DecisionEngine } from './decision-engine.js';
import { PermissionHolder } from './permission-holder.js';

async function setup() {
  const dir = await tempDir();
  onTestFinished(() => dir.remove());
  const store = await LocalStore.open(dir.path);
  const log = captureLogger();
  return { dir, store, log, holder: new PermissionHolder('agent-1', store, log.logger) };
}

describe('permission holder', () => {
  test('applies a snapshot whose hash matches, persists it and swaps it in', async () => {
    const { store, holder, dir } = await setup();
    const message = snapshot(demoPermissionSet({ version: 3 }));
    const outcome = await holder.applySnapshot(message, 1000);
    assert.deepEqual(outcome, { status: 'applied', version: 3, hash: message.hash, appliedAt: 1000 });
    assert.equal(holder.current?.version, 3);
    await store.close();

    const reopened = await LocalStore.open(dir.path);
    onTestFinished(() => reopened.close());
    const restarted = new PermissionHolder('agent-1', reopened, captureLogger().logger);
    await restarted.load();
    assert.equal(restarted.current?.version, 3);
    assert.equal(restarted.current?.hash, message.hash);
  });

  test('rejects a snapshot whose hash does not match its content and keeps the set in force', async () => {
    const { store, holder, log } = await setup();
    onTestFinished(() => store.close());
    await holder.applySnapshot(snapshot(demoPermissionSet({ version: 1 })));
    const tampered = snapshot(demoPermissionSet({ version: 2 }));
    tampered.set.cards[0]!.status = 'active';
    tampered.set.cards[1]!.levelCeilingOverride = 3;
    const outcome = await holder.applySnapshot(tampered);
    assert.equal(outcome.status, 'rejected');
    assert.equal(holder.current?.version, 1);
    assert.equal(log.find('content hash mismatch', 'ERROR').length, 1);
    assert.equal((await store.loadPermissions())?.set.version, 1);
  });

  test('rejects a snapshot meant for another agent', async () => {
    const { store, holder } = await setup();
    onTestFinished(() => store.close());
    const outcome = await holder.applySnapshot(snapshot(demoPermissionSet({ agentId: 'agent-2' })));
    assert.deepEqual(outcome.status, 'rejected');
    assert.equal(holder.current, null);
  });

  test('rejects a set that cannot be compiled (unknown time zone) and keeps the old one', async () => {
    const { store, holder } = await setup();
    onTestFinished(() => store.close());
    await holder.applySnapshot(snapshot(demoPermissionSet({ version: 1 })));
    const outcome = await holder.applySnapshot(
      snapshot(demoPermissionSet({ version: 2, site: { timeZone: 'Atlantis/Capital', holidays: [] } })),
    );
    assert.equal(outcome.status, 'rejected');
    assert.equal(holder.current?.version, 1);
  });

  test('confirms an identical snapshot without rewriting it', async () => {
    const { store, holder } = await setup();
    onTestFinished(() => store.close());
    const message = snapshot(demoPermissionSet({ version: 4 }));
    await holder.applySnapshot(message, 10);
    let saves = 0;
    const save = store.savePermissionPayload.bind(store);
    store.savePermissionPayload = async (...args) => {
      saves++;
      return save(...args);
    };
    const outcome = await holder.applySnapshot(message, 20);
    assert.deepEqual(outcome, { status: 'unchanged', version: 4, hash: message.hash, appliedAt: 10 });
    assert.equal(saves, 0);
  });

  test('does not swap in a set it could not persist', async () => {
    const { store, holder } = await setup();
    onTestFinished(() => store.close());
    store.savePermissionPayload = async () => {
      throw new Error('database is locked');
    };
    const outcome = await holder.applySnapshot(snapshot(demoPermissionSet()));
    assert.equal(outcome.status, 'rejected');
    assert.equal(holder.current, null);
  });
});

describe('permission deltas', () => {
  const v1 = () => demoPermissionSet({ version: 1 });
  /** The full set the server would have at version 2, and the delta that leads there from v1. */
  function revokeFirstCard() {
    const before = v1();
    const revoked = { ...before.cards[0]!, status: 'revoked' as const };
    const added = { ...before.cards[1]!, credential: 'em4100:4242', cardId: 'card-new' };
    const after = { ...before, version: 2, issuedAt: before.issuedAt + 1000, cards: [revoked, before.cards[1]!, added] };
    const delta = {
      kind: 'delta' as const,
      agentId: 'agent-1',
      baseVersion: 1,
      baseHash: snapshot(before).hash,
      version: 2,
      issuedAt: after.issuedAt,
      upserts: [revoked, added],
      removals: [] as string[],
      hash: snapshot(after).hash,
    };
    return { before, after, delta };
  }

  test('a delta on the version held: applied in place, the result hashes like the full set, and survives a restart', async () => {
    const { store, holder, dir } = await setup();
    const { before, after, delta } = revokeFirstCard();
    await holder.applySnapshot(snapshot(before));
    const outcome = await holder.applyDelta(delta, 2000);
    assert.deepEqual(outcome, { status: 'applied', version: 2, hash: snapshot(after).hash, appliedAt: 2000 });
    assert.equal(holder.current?.cards.get(before.cards[0]!.credential)?.status, 'revoked');
    assert.equal(holder.current?.cards.size, 3);
    const removal = { ...delta, baseVersion: 2, baseHash: delta.hash, version: 3, removals: ['em4100:4242'], upserts: [] };
    const afterRemoval = { ...after, version: 3, cards: after.cards.slice(0, 2) };
    removal.hash = snapshot(afterRemoval).hash;
    assert.equal((await holder.applyDelta(removal)).status, 'applied');
    assert.equal(holder.current?.cards.has('em4100:4242'), false);
    await store.close();

    const reopened = await LocalStore.open(dir.path);
    onTestFinished(() => reopened.close());
    const restarted = new PermissionHolder('agent-1', reopened, captureLogger().logger);
    await restarted.load();
    assert.equal(restarted.current?.version, 3);
    assert.equal(restarted.current?.hash, snapshot(afterRemoval).hash);
    assert.equal(restarted.current?.cards.get(before.cards[0]!.credential)?.status, 'revoked');
  });

  test('after many changed cards the overlay is folded into a fresh table in the worker, same version, hash and decisions', async () => {
    const { store, holder } = await setup();
    onTestFinished(async () => {
      await holder.close();
      await store.close();
    });
    const before = largePermissionSet(OVERLAY_LIMIT + 1000, { version: 1 });
    await holder.applySnapshot(snapshot(before));
    const revoked = before.cards.slice(0, OVERLAY_LIMIT + 1).map((c) => ({ ...c, status: 'revoked' as const }));
    const after = { ...before, version: 2, cards: [...revoked, ...before.cards.slice(OVERLAY_LIMIT + 1)] };
    const delta = {
      kind: 'delta' as const,
      agentId: 'agent-1',
      baseVersion: 1,
      baseHash: snapshot(before).hash,
      version: 2,
      issuedAt: before.issuedAt,
      upserts: revoked,
      removals: [],
      hash: snapshot(after).hash,
    };
    assert.equal((await holder.applyDelta(delta)).status, 'applied');
    await until(() => holder.current?.cards instanceof CardTable, 10_000, 'the fold');
    assert.equal(holder.current?.version, 2);
    assert.equal(holder.current?.hash, snapshot(after).hash);
    assert.equal(holder.current?.cards.size, before.cards.length);
    assert.equal(holder.current?.cards.get(before.cards[7]!.credential)?.status, 'revoked');
    assert.equal(holder.current?.cards.get(before.cards.at(-1)!.credential)?.status, 'active');
  });

  test('a delta on another version, or whose result does not hash as announced, is refused and asks for a snapshot', async () => {
    const { store, holder } = await setup();
    onTestFinished(() => store.close());
    const { before, delta } = revokeFirstCard();
    assert.deepEqual(await holder.applyDelta(delta), {
      status: 'rejected',
      error: 'it applies to version 1, the agent holds nothing',
      needsSnapshot: true,
    });
    await holder.applySnapshot(snapshot(before));
    const wrongHash = await holder.applyDelta({ ...delta, hash: 'f'.repeat(64) });
    assert.equal(wrongHash.status, 'rejected');
    assert.equal(wrongHash.status === 'rejected' && wrongHash.needsSnapshot, true);
    assert.equal(holder.current?.version, 1, 'the set in force is kept');
    assert.equal(holder.current?.cards.get(before.cards[0]!.credential)?.status, 'active');
  });
});

describe('binary permission sets', () => {
  /** A set's document cut into small parts, as the server sends large ones. */
  function parts(set: PermissionSet, partBytes = 4096): Uint8Array[] {
    const { cards, ...header } = set;
    return splitIntoParts(
      assembleDocument({ hash: snapshot(set).hash, header }, gzipSync(encodeCards(cards)), true),
      set.version,
      partBytes,
    );
  }

  async function applyAll(holder: PermissionHolder, payloads: Uint8Array[]) {
    let outcome: Awaited<ReturnType<PermissionHolder['applyPayload']>> = null;
    for (const payload of payloads) outcome = (await holder.applyPayload(payload)) ?? outcome;
    return outcome;
  }

  test('a set arriving in parts is applied once its last part is in, and survives a restart', async () => {
    const { store, holder, dir } = await setup();
    const set = largePermissionSet(2000, { version: 3 });
    const payloads = parts(set);
    assert.ok(payloads.length > 3);
    for (const payload of payloads.slice(0, -1)) assert.equal(await holder.applyPayload(payload), null);
    assert.equal(holder.current?.version, undefined, 'nothing before the last part');
    assert.equal((await holder.applyPayload(payloads.at(-1)!))?.status, 'applied');
    assert.equal(holder.current?.hash, snapshot(set).hash);
    assert.equal(holder.current?.cards.get(set.cards[1234]!.credential)?.holder, 'Person 1234');
    await holder.close();
    await store.close();

    const reopened = await LocalStore.open(dir.path);
    onTestFinished(() => reopened.close());
    const restarted = new PermissionHolder('agent-1', reopened, captureLogger().logger);
    onTestFinished(() => restarted.close());
    await restarted.load();
    assert.equal(restarted.current?.hash, snapshot(set).hash);
    assert.equal(restarted.current?.cards.size, 2000);
  });

  test('corrupted, truncated and oversized binary sets are refused with the reason, and the set in force stays', async () => {
    const { store, holder, log } = await setup();
    onTestFinished(async () => {
      await holder.close();
      await store.close();
    });
    const v1 = largePermissionSet(2000, { version: 1 });
    assert.equal((await applyAll(holder, parts(v1)))?.status, 'applied');
    const v2 = largePermissionSet(2000, { version: 2 });

    const corrupted = parts(v2);
    corrupted[2] = new Uint8Array(corrupted[2]!);
    corrupted[2][500]! ^= 0xff;
    const truncated = parts(v2);
    truncated[truncated.length - 1] = truncated.at(-1)!.subarray(0, truncated.at(-1)!.length - 100);
    const oversized = parts(v2).slice(0, 1);
    new DataView(oversized[0]!.buffer, oversized[0]!.byteOffset).setUint32(16, 100_000);
    const newerSchema = parts(v2).map((p) => {
      const copy = new Uint8Array(p);
      copy[4] = 2;
      return copy;
    });

    for (const [name, payloads, reason] of [
      ['corrupted', corrupted, /unusable|not valid MessagePack|content hash mismatch|card \d+/],
      ['truncated', truncated, /unusable|truncated|not valid MessagePack/],
      ['oversized', oversized, /more than the 256 MiB an agent accepts/],
      ['of a newer schema', newerSchema, /upgrade the agent/],
    ] as const) {
      const outcome = await applyAll(holder, payloads);
      assert.equal(outcome?.status, 'rejected', name);
      assert.match(outcome?.status === 'rejected' ? outcome.error : '', reason, name);
      assert.equal(holder.current?.version, 1, `a ${name} set leaves version 1 in force`);
    }
    assert.ok(log.find('invalid permissions message ignored', 'ERROR').length >= 4);
    assert.equal((await store.loadPermissions())?.set.version, 1, 'and in the store');
    assert.equal((await applyAll(holder, parts(v2)))?.status, 'applied', 'a good set is applied after bad ones');
  });
});

describe('structural changes', () => {
  /** Version 2: the lab zone's schedule closed on Wednesdays, every card as it was. */
  function scheduleEdit(before: PermissionSet) {
    const after: PermissionSet = {
      ...before,
      version: 2,
      issuedAt: before.issuedAt + 1000,
      schedules: before.schedules.map((s) =>
        s.id === 'office-hours' ? { ...s, windows: [{ days: [1, 2, 4, 5], start: '08:00', end: '18:00' }] } : s,
      ),
    };
    const { cards: _cards, ...header } = after;
    const message = {
      kind: 'structure' as const,
      agentId: 'agent-1',
      baseVersion: 1,
      baseHash: snapshot(before).hash,
      header,
      hash: snapshot(after).hash,
    };
    return { after, message };
  }
  const WEDNESDAY_10_SHANGHAI = Date.UTC(2026, 0, 7, 2);

  test('a new header over the cards held: applied in place, decided by at once, hashed like the whole set, and kept across a restart', async () => {
    const { store, holder, dir } = await setup();
    const before = demoPermissionSet({ version: 1 });
    before.cards[0]!.grants = [{ zoneId: 'lab', scheduleId: 'office-hours', validUntil: null }];
    await holder.applySnapshot(snapshot(before));
    const engine = new DecisionEngine();
    const badge = () =>
      engine.decide(holder.current, { credential: before.cards[0]!.credential, doorId: 'lab', direction: 'in', at: WEDNESDAY_10_SHANGHAI })
        .reason;
    assert.equal(badge(), 'granted');
    const { after, message } = scheduleEdit(before);
    assert.ok(JSON.stringify(message).length < 4096, 'a few kilobytes at most');
    const outcome = await holder.applyPayload(Buffer.from(JSON.stringify(message)), 3000);
    assert.deepEqual(outcome, { status: 'applied', version: 2, hash: snapshot(after).hash, appliedAt: 3000 });
    assert.equal(badge(), 'outside_schedule');
    await holder.close();
    await store.close();

    const reopened = await LocalStore.open(dir.path);
    onTestFinished(() => reopened.close());
    const restarted = new PermissionHolder('agent-1', reopened, captureLogger().logger);
    onTestFinished(() => restarted.close());
    await restarted.load();
    assert.equal(restarted.current?.version, 2);
    assert.equal(restarted.current?.hash, snapshot(after).hash);
  });

  test('a structural change on another version, or whose result does not hash as announced, is refused and asks for a snapshot', async () => {
    const { store, holder } = await setup();
    onTestFinished(async () => {
      await holder.close();
      await store.close();
    });
    const before = demoPermissionSet({ version: 1 });
    const { message } = scheduleEdit(before);
    const nothing = await holder.applyPayload(Buffer.from(JSON.stringify(message)));
    assert.deepEqual(nothing, { status: 'rejected', error: 'it applies to version 1, the agent holds nothing', needsSnapshot: true });
    await holder.applySnapshot(snapshot(before));
    const wrong = await holder.applyPayload(Buffer.from(JSON.stringify({ ...message, hash: 'e'.repeat(64) })));
    assert.equal(wrong?.status === 'rejected' && wrong.needsSnapshot, true);
    assert.equal(holder.current?.version, 1);
  });
});
