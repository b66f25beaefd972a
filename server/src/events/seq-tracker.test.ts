import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Repository } from 'typeorm';
import type { AgentEntity } from '../agents/agent.entity.js';
import { ManualClock } from '../common/clock.js';
import { DomainSignalBus, type DomainSignals } from '../common/domain-signals.js';
import { HOLE_GRACE_MS, MAX_SEQ_JUMP, SeqTracker } from './seq-tracker.js';

function tracker() {
  const stored = new Map<string, number>();
  const repo = {
    findOne: async () => ({ id: 'agent-1', contiguousSeq: 0 }),
    update: async (where: { id: string }, values: { contiguousSeq: number }) => void stored.set(where.id, values.contiguousSeq),
  } as unknown as Repository<AgentEntity>;
  const signals = new DomainSignalBus();
  const reports: Array<DomainSignals['agent.events_missing']> = [];
  signals.on('agent.events_missing', (s) => reports.push(s));
  const clock = new ManualClock();
  return { seqs: new SeqTracker(repo, signals, clock), clock, reports, stored };
}

test('a hole that fills within the grace period is never reported', async () => {
  const { seqs, clock, reports, stored } = tracker();
  assert.deepEqual(await seqs.observe('agent-1', [1, 2, 5]), [[3, 4]]);
  clock.advance(HOLE_GRACE_MS - 1);
  assert.deepEqual(await seqs.observe('agent-1', [3, 4]), []);
  assert.deepEqual(reports, []);
  assert.equal(stored.get('agent-1'), 5);
});

test('a hole still open after the grace period is reported once, and cleared when it fills', async () => {
  const { seqs, clock, reports } = tracker();
  await seqs.observe('agent-1', [1, 4]);
  clock.advance(HOLE_GRACE_MS);
  await seqs.observe('agent-1', [5]);
  await seqs.observe('agent-1', [6]);
  assert.deepEqual(reports.map((r) => [r.missing, r.open, r.givenUp]), [['2..3', true, false]]);
  await seqs.observe('agent-1', [2, 3]);
  assert.deepEqual(reports.map((r) => [r.missing, r.open]), [['2..3', true], ['', false]]);
});

test('a jump no outbox replay can explain is reported at once as given up, and the count goes on from it', async () => {
  const { seqs, reports, stored } = tracker();
  await seqs.observe('agent-1', [1, 2]);
  const far = 2 ** 53 - 1;
  assert.deepEqual(await seqs.observe('agent-1', [far]), []);
  assert.deepEqual(reports.map((r) => [r.missing, r.givenUp]), [[`3..${far - 1}`, true]]);
  assert.equal(stored.get('agent-1'), far);
});

test('a jump just inside the limit is an ordinary hole: waited for, not given up', async () => {
  const { seqs, reports } = tracker();
  await seqs.observe('agent-1', [1]);
  assert.deepEqual(await seqs.observe('agent-1', [1 + MAX_SEQ_JUMP]), [[2, MAX_SEQ_JUMP]]);
  assert.deepEqual(reports, []);
});
