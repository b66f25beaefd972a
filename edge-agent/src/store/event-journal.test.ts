import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { tempDir } from '../test-support/fixtures.js';
import { EventJournal, JOURNAL_FILE } from './event-journal.js';

const doorEvent = (seq: number): AgentEvent => ({
  kind: 'door',
  eventId: randomUUID(),
  agentId: 'agent-1',
  seq,
  occurredAt: Date.UTC(2026, 0, 5),
  doorId: 'lab',
  type: 'forced_open',
});

describe('event journal', () => {
  test('reads back what was appended, skips a line torn by a kill, and starts empty after clear()', async () => {
    const temp = await tempDir();
    const dir = temp.path;
    try {
      const first = EventJournal.open(dir);
      assert.deepEqual(first.recovered, []);
      const events = [doorEvent(1), doorEvent(2)];
      for (const e of events) first.journal.append(e);
      first.journal.close();
      appendFileSync(join(dir, JOURNAL_FILE), '{"kind":"door","eventId":"'); // the write a SIGKILL cut short

      const second = EventJournal.open(dir);
      assert.deepEqual(second.recovered, events);
      assert.equal(second.unreadable, 1);
      second.journal.clear();
      second.journal.append(doorEvent(3));
      second.journal.close();
      assert.equal(
        readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n').length,
        1,
        'appends land at the start of a cleared journal',
      );
      assert.deepEqual(
        EventJournal.open(dir).recovered.map((e) => e.seq),
        [3],
      );
    } finally {
      await temp.remove();
    }
  });
});
