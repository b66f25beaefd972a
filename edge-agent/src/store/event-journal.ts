/**
 * A write-ahead journal for the outbox. The badge path writes each numbered event here
 * synchronously (an append to the page cache: microseconds) before the batched SQLite write,
 * so an event the agent decided survives the process being killed (SIGKILL, OOM killer,
 * watchdog) between the decision and the transaction. It does not aim at power loss: that
 * needs fsync on every badge, and the SQLite write follows within milliseconds.
 *
 * On start the journal is read back, events the store lacks are written to it, and the
 * journal is emptied; while running it is emptied each time everything journaled is durable.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { agentEventSchema, type AgentEvent } from '@acs/shared/mqtt/payloads';

export const JOURNAL_FILE = 'outbox.journal';

export class EventJournal {
  private constructor(private fd: number | null) {}

  /** Opens (creating) the journal and returns it with the events it held, in order; a torn last line is skipped. */
  static open(dataDir: string): { journal: EventJournal; recovered: AgentEvent[]; unreadable: number } {
    const file = join(dataDir, JOURNAL_FILE);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const recovered: AgentEvent[] = [];
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const parsed = agentEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) recovered.push(parsed.data);
        else unreadable++;
      } catch {
        unreadable++;
      }
    }
    // O_APPEND: every write lands at the end, also after the file was truncated.
    return { journal: new EventJournal(openSync(file, 'a')), recovered, unreadable };
  }

  append(event: AgentEvent): void {
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  /** Forgets everything journaled: call only when all of it is durable in the store. */
  clear(): void {
    if (this.fd !== null) ftruncateSync(this.fd, 0);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
