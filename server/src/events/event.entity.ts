import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReaderDirection } from '@acs/shared/access/model';
import type { ReasonCode } from '@acs/shared/access/reason-codes';
import type { EventKind } from '@acs/shared/api/events';
import { BigIntColumn, EpochMsColumn, LEN } from '../database/columns.js';

/**
 * An agent event, keyed by the agent's event id so a replayed event is stored once.
 * No foreign keys: an event is a record of what a door saw and outlives the rows it names.
 */
@Entity({ name: 'events' })
@Index('ix_events_agent_seq', ['agentId', 'seq'])
@Index('ix_events_occurred_at', ['occurredAt'])
@Index('ix_events_person_occurred_at', ['personId', 'occurredAt'])
@Index('ix_events_door_occurred_at', ['doorId', 'occurredAt'])
@Index('ix_events_zone_occurred_at', ['zoneId', 'occurredAt'])
export class EventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: LEN.uuid })
  eventId!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: LEN.slug })
  agentId!: string;

  @BigIntColumn('seq')
  seq!: number;

  @Column({ type: 'varchar', length: LEN.short })
  kind!: EventKind;

  /** Device time. */
  @EpochMsColumn('occurred_at')
  occurredAt!: number;

  /** Server time when first stored. */
  /** The device's own time when it was outside the accepted window and replaced (see EventAdmission). */
  @BigIntColumn('device_occurred_at', { nullable: true })
  deviceOccurredAt!: number | null;

  @EpochMsColumn('received_at')
  receivedAt!: number;

  @Column({ name: 'door_id', type: 'varchar', length: LEN.slug, nullable: true })
  doorId!: string | null;

  @Column({ name: 'reader_id', type: 'varchar', length: LEN.ref, nullable: true })
  readerId!: string | null;

  @Column({ name: 'device_id', type: 'varchar', length: LEN.ref, nullable: true })
  deviceId!: string | null;

  @Column({ type: 'varchar', length: LEN.short, nullable: true })
  direction!: ReaderDirection | null;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  zoneId!: string | null;

  @Column({ type: 'varchar', length: LEN.credential, nullable: true })
  credential!: string | null;

  @Column({ name: 'card_id', type: 'varchar', length: LEN.ref, nullable: true })
  cardId!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.ref, nullable: true })
  personId!: string | null;

  @Column({ type: 'varchar', length: LEN.name, nullable: true })
  holder!: string | null;

  @Column({ type: 'boolean', nullable: true })
  granted!: boolean | null;

  @Column({ type: 'varchar', length: '32', nullable: true })
  reason!: ReasonCode | null;

  @Column({ type: 'varchar', length: '32', nullable: true })
  type!: string | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  detail!: string | null;

  @Column({ name: 'permission_version', type: 'integer', nullable: true })
  permissionVersion!: number | null;
}
