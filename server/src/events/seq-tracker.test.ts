import { afterAll, beforeAll, beforeEach, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { AgentRepository } from '../agents/agent.repository.js';
import { ManualClock } from '../common/clock.js';
import { DomainSignalBus, type DomainSignals } from '../common/domain-signals.js';
import { openDatabase } from '../database/data-source.js';
import { toEventRow } from './events.service.js';
import { EventEntity } from './event.entity.js';
import { RefusedEventEntity } from './refused-event.entity.js';
import { HOLE_GIVE_UP_MS, HOLE_GRACE_MS, MAX_SEQ_JUMP, SeqTracker } from './seq-tracker.js';

describe('sequence tracking from the stored events', () => {
  let ds: DataSource;
  let dir: string;
  let agentId: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acs-seq-'));
    ds = await openDatabase({ db: 'sqlite', sqlitePath: join(dir, 'acs.sqlite'), databaseUrl: null, dbSchema: null });
  });
  afterAll(async () => {
    await ds?.destroy();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    agentId = `agent-${randomUUID().slice(0, 8)}`;
    await ds.getRepository(AgentEntity).insert({
      id: agentId,
      name: agentId,
      mqttPasswordHash: '!',
      online: false,
      lastSeenAt: null,
      softwareVersion: null,
      appliedVersion: null,
      appliedHash: null,
      appliedAt: null,
      hashMatches: null,
      contiguousSeq: 0,
      createdAt: 0,
    });
  });

  /** Two trackers on one database: two server instances ingesting parts of one agent's batches. */
  function instances(count = 2) {
    const clock = new ManualClock();
    const reports: Array<DomainSignals['agent.events_missing']> = [];
    const trackers = Array.from({ length: count }, () => {
      const signals = new DomainSignalBus();
      signals.on('agent.events_missing', (s) => reports.push(s));
      return new SeqTracker(
        new AgentRepository(ds.getRepository(AgentEntity)),
        ds.getRepository(EventEntity),
        ds.getRepository(RefusedEventEntity),
        signals,
        clock,
      );
    });
    return { trackers, clock, reports };
  }

  async function store(...seqs: number[]): Promise<void> {
    await ds
      .getRepository(EventEntity)
      .insert(
        seqs.map((seq) =>
          toEventRow({ kind: 'door', eventId: randomUUID(), agentId, seq, occurredAt: 1, doorId: 'lab', type: 'opened' }, 1),
        ),
      );
  }
  const contiguous = async () => (await ds.getRepository(AgentEntity).findOneByOrFail({ id: agentId })).contiguousSeq;

  test('batches of one agent ingested by two instances leave no false hole', async () => {
    const {
      trackers: [a, b],
      reports,
    } = instances();
    await store(1, 2);
    await a!.observe(agentId, [1, 2]);
    await store(5, 6);
    assert.deepEqual(await b!.observe(agentId, [5, 6]), [[3, 4]], 'batch 3 is still with the other instance');
    await store(3, 4);
    assert.deepEqual(await a!.observe(agentId, [3, 4]), []);
    assert.equal(await contiguous(), 6);
    assert.deepEqual(reports, []);
  });

  test('events refused for good count as arrived', async () => {
    const {
      trackers: [a],
    } = instances(1);
    await store(1, 3);
    await ds
      .getRepository(RefusedEventEntity)
      .insert({ eventId: randomUUID(), agentId, seq: 2, reason: 'door x is not driven by this agent', payload: '{}', receivedAt: 1 });
    assert.deepEqual(await a!.observe(agentId, [1, 2, 3]), []);
    assert.equal(await contiguous(), 3);
  });

  test('a hole still open after the grace period is reported once, and cleared when it fills', async () => {
    const {
      trackers: [a, b],
      clock,
      reports,
    } = instances();
    await store(1, 4);
    await a!.observe(agentId, [1, 4]);
    clock.advance(HOLE_GRACE_MS);
    await a!.checkAll();
    await a!.checkAll();
    assert.deepEqual(
      reports.map((r) => [r.missing, r.open, r.givenUp]),
      [['2..3', true, false]],
    );
    await store(2, 3);
    await b!.observe(agentId, [2, 3]);
    await a!.checkAll();
    assert.deepEqual(
      reports.map((r) => [r.missing, r.open]),
      [
        ['2..3', true],
        ['', false],
      ],
    );
    assert.equal(await contiguous(), 4);
  });

  test('a hole open for an hour is given up and the count goes on past it', async () => {
    const {
      trackers: [a],
      clock,
      reports,
    } = instances(1);
    await store(1, 5, 6);
    await a!.observe(agentId, [1, 5, 6]);
    clock.advance(HOLE_GIVE_UP_MS);
    await a!.checkAll();
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(reports.some((r) => r.givenUp && r.missing === '2..4'));
    assert.equal(await contiguous(), 6);
  });

  test('a jump no outbox replay can explain is reported at once as given up', async () => {
    const {
      trackers: [a],
      reports,
    } = instances(1);
    await store(1, 2);
    await a!.observe(agentId, [1, 2]);
    const far = 2 ** 53 - 1;
    await store(far);
    assert.deepEqual(await a!.observe(agentId, [far]), []);
    assert.deepEqual(
      reports.map((r) => [r.missing, r.givenUp]),
      [[`3..${far - 1}`, true]],
    );
    assert.equal(await contiguous(), far);
  });

  test('a jump just inside the limit is waited for', async () => {
    const {
      trackers: [a],
      reports,
    } = instances(1);
    await store(1);
    await a!.observe(agentId, [1]);
    await store(1 + MAX_SEQ_JUMP);
    assert.deepEqual(await a!.observe(agentId, [1 + MAX_SEQ_JUMP]), [[2, MAX_SEQ_JUMP]]);
    assert.deepEqual(reports, []);
  });
});
