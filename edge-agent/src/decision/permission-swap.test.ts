import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStore } from '../store/local-store.js';
import { captureLogger, largePermissionSet, snapshot, tempDir } from '../test-support/fixtures.js';
import { DecisionEngine } from './decision-engine.js';
import { PermissionHolder } from './permission-holder.js';

const CARDHOLDERS = 100_000;
/**
 * Not the target: the target (a loop stall under 5 ms, docs/benchmarks.md#targets) is measured
 * by `npm run bench -- edge`. This bound only catches a return to decoding and compiling on the
 * doors' thread, which stalled it for one to two seconds at 100,000 cards; it leaves room for a
 * loaded CI machine, where this test has seen 108 ms stalls from other suites' work alone.
 */
const STALL_LIMIT_MS = 500;

/** Version 2 revokes the card being badged and adds one that version 1 does not know. */
function payloads(): { v1: Buffer; v2: Buffer; badged: string } {
  const set = largePermissionSet(CARDHOLDERS, { version: 1 });
  const v1 = Buffer.from(JSON.stringify(snapshot(set)));
  const badged = set.cards[3]!.credential;
  set.version = 2;
  set.cards[3] = { ...set.cards[3]!, status: 'revoked' };
  set.cards.push({ ...set.cards[1]!, credential: 'em4100:424242', cardId: 'late-card' });
  return { v1, v2: Buffer.from(JSON.stringify(snapshot(set))), badged };
}

describe('applying a snapshot while badges are presented', () => {
  test('every badge presented each millisecond is decided by the set in force at that moment, old before the swap and new after, and none waits past the limit', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const store = await LocalStore.open(dir.path);
    const holder = new PermissionHolder('agent-1', store, captureLogger('info').logger);
    onTestFinished(async () => {
      await holder.close();
      await store.close();
    });
    // Only the payloads stay alive: the sets as objects would give this thread's garbage
    // collector a heap no agent has, and its pauses would be measured here.
    const { v1, v2, badged } = payloads();
    assert.equal((await holder.applyPayload(v1))?.status, 'applied');
    const payload = v2;
    await sleep(200);

    const engine = new DecisionEngine();
    const badges: { version: number | null; reason: string; newCardKnown: boolean; lateMs: number }[] = [];
    let running = true;
    const presenting = (async () => {
      let due = performance.now() + 1;
      while (running) {
        await sleep(Math.max(0, due - performance.now()));
        const now = performance.now();
        const permissions = holder.current;
        const decision = engine.decide(permissions, { credential: badged, doorId: 'lab', direction: 'in', at: Date.UTC(2026, 0, 7, 3) });
        badges.push({
          version: decision.permissionVersion,
          reason: decision.reason,
          newCardKnown: permissions?.cards.has('em4100:424242') ?? false,
          lateMs: now - due,
        });
        due = Math.max(due + 1, now);
      }
    })();
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    await sleep(20);
    histogram.enable();
    const outcome = await holder.applyPayload(payload);
    await sleep(20);
    histogram.disable();
    running = false;
    await presenting;

    assert.equal(outcome?.status, 'applied');
    const versions = badges.map((b) => b.version);
    const swapAt = versions.indexOf(2);
    assert.ok(swapAt > 0, 'badges were decided before the swap');
    assert.ok(
      versions.slice(swapAt).every((v) => v === 2),
      'never the old set again after the swap',
    );
    for (const b of badges.slice(0, swapAt)) assert.deepEqual([b.version, b.reason, b.newCardKnown], [1, 'granted', false]);
    for (const b of badges.slice(swapAt)) assert.deepEqual([b.version, b.reason, b.newCardKnown], [2, 'card_revoked', true]);
    const latest = Math.max(...badges.map((b) => b.lateMs));
    const stallMs = histogram.max / 1e6;
    console.log(
      `${badges.length} badges, ${swapAt} before the swap; latest badge ${latest.toFixed(1)} ms late; longest loop stall ${stallMs.toFixed(1)} ms`,
    );
    assert.ok(latest < STALL_LIMIT_MS, `a badge waited ${latest.toFixed(1)} ms`);
    assert.ok(stallMs < STALL_LIMIT_MS, `the event loop stalled ${stallMs.toFixed(1)} ms`);
  });
});
