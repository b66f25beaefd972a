import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { DoorFailMode } from '@acs/shared/api/doors';
import { AgentEntity } from '../agents/agent.entity.js';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { ZoneEntity } from '../zones/zone.entity.js';

@Entity({ name: 'doors' })
@Index('ix_doors_agent', ['agentId'])
export class DoorEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.slug })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  @Column({ name: 'from_zone_id', type: 'varchar', length: LEN.zoneId })
  fromZoneId!: string;

  @ManyToOne(() => ZoneEntity)
  @JoinColumn({ name: 'from_zone_id', foreignKeyConstraintName: 'fk_doors_from_zone' })
  fromZone?: Relation<ZoneEntity>;

  @Column({ name: 'to_zone_id', type: 'varchar', length: LEN.zoneId })
  toZoneId!: string;

  @ManyToOne(() => ZoneEntity)
  @JoinColumn({ name: 'to_zone_id', foreignKeyConstraintName: 'fk_doors_to_zone' })
  toZone?: Relation<ZoneEntity>;

  /** The edge agent that drives this door; its permission set includes the door. */
  @Column({ name: 'agent_id', type: 'varchar', length: LEN.slug, nullable: true })
  agentId!: string | null;

  @ManyToOne(() => AgentEntity)
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_doors_agent' })
  agent?: Relation<AgentEntity>;

  @Column({ name: 'release_ms', type: 'integer' })
  releaseMs!: number;

  @Column({ name: 'held_open_ms', type: 'integer' })
  heldOpenMs!: number;

  /** What the lock does without power; recorded here, wired in the agent's configuration. */
  @Column({ name: 'fail_mode', type: 'varchar', length: LEN.short, default: 'secure' })
  failMode!: DoorFailMode;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
