import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BigIntColumn, EpochMsColumn, LEN } from '../database/columns.js';

/**
 * An agent's event the server refused for good (a door the agent does not drive, a reader
 * it never reported): not stored as an event, acknowledged so the agent drops it, and kept
 * here with the reason. It is evidence of what an agent tried, and its sequence number
 * counts as arrived, so it never shows up as a hole.
 */
@Entity({ name: 'refused_events' })
@Index('ix_refused_events_agent_seq', ['agentId', 'seq'])
export class RefusedEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: LEN.uuid })
  eventId!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: LEN.slug })
  agentId!: string;

  @BigIntColumn('seq')
  seq!: number;

  @Column({ type: 'varchar', length: LEN.detail })
  reason!: string;

  /** The event as the agent sent it (JSON, cut to 2,000 characters). */
  @Column({ type: 'text' })
  payload!: string;

  @EpochMsColumn('received_at')
  receivedAt!: number;
}
