import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { EpochMsColumn, LEN } from '../database/columns.js';

/**
 * One permission version compiled for one agent, and the agent's proof that it is in
 * force: the base of the revocation-to-enforcement report (docs/product-rules.md#proof-at-the-doors).
 */
@Entity({ name: 'permission_deliveries' })
@Index('ix_permission_deliveries_version', ['version'])
export class PermissionDeliveryEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: LEN.slug })
  agentId!: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_permission_deliveries_agent' })
  agent?: Relation<AgentEntity>;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** `permissionSetHash` of what the server compiled; null when the agent reported a version we never sent. */
  @Column({ name: 'compiled_hash', type: 'varchar', length: LEN.hash, nullable: true })
  compiledHash!: string | null;

  @Column({ name: 'card_count', type: 'integer', nullable: true })
  cardCount!: number | null;

  /** Server time of the first send of this version. */
  @EpochMsColumn('sent_at', { nullable: true })
  sentAt!: number | null;

  /** Agent time at which it applied the version. */
  @EpochMsColumn('applied_at', { nullable: true })
  appliedAt!: number | null;

  /** Server time at which the agent's confirmation arrived. */
  @EpochMsColumn('confirmed_at', { nullable: true })
  confirmedAt!: number | null;

  @Column({ name: 'reported_hash', type: 'varchar', length: LEN.hash, nullable: true })
  reportedHash!: string | null;

  @Column({ name: 'hash_matches', type: 'boolean', nullable: true })
  hashMatches!: boolean | null;
}
