import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BigIntColumn, EpochMsColumn, LEN } from '../database/columns.js';

@Entity({ name: 'agents' })
export class AgentEntity {
  /** Also the agent's MQTT username and the id in its topics. */
  @PrimaryColumn({ type: 'varchar', length: LEN.slug })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  /** scrypt hash of the agent's MQTT password (the password itself is shown once). */
  @Column({ name: 'mqtt_password_hash', type: 'varchar', length: LEN.secretHash })
  mqttPasswordHash!: string;

  @Column({ type: 'boolean' })
  online!: boolean;

  /** Server time of the last message from the agent. */
  @EpochMsColumn('last_seen_at', { nullable: true })
  lastSeenAt!: number | null;

  @Column({ name: 'software_version', type: 'varchar', length: '50', nullable: true })
  softwareVersion!: string | null;

  @Column({ name: 'applied_version', type: 'integer', nullable: true })
  appliedVersion!: number | null;

  @Column({ name: 'applied_hash', type: 'varchar', length: LEN.hash, nullable: true })
  appliedHash!: string | null;

  /** Agent time at which it applied `appliedVersion`. */
  @EpochMsColumn('applied_at', { nullable: true })
  appliedAt!: number | null;

  @Column({ name: 'hash_matches', type: 'boolean', nullable: true })
  hashMatches!: boolean | null;

  /** Highest event sequence number up to which every event has arrived. */
  @BigIntColumn('contiguous_seq')
  contiguousSeq!: number;

  /** Since when the alert sweep has seen it online behind the current permission version. */
  @EpochMsColumn('behind_since', { nullable: true })
  behindSince!: number | null;

  /** Events waiting in the agent's outbox, as it last reported (agents older than outbox monitoring do not). */
  @Column({ name: 'outbox_depth', type: 'integer', nullable: true })
  outboxDepth!: number | null;

  @EpochMsColumn('created_at')
  createdAt!: number;
}
