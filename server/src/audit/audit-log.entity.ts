import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { UserRole } from '@acs/shared/access/model';
import type { AuditSource } from '@acs/shared/api/audit';
import { EpochMsColumn, epochMsTransformer, LEN } from '../database/columns.js';

/**
 * The append-only, hash-chained audit log (docs/product-rules.md#audit-log,
 * docs/security.md#audit-log-integrity). Rows are only ever inserted (database triggers
 * refuse UPDATE and DELETE); each row's hash covers its content and the previous row's
 * hash, so a changed or missing row shows in `GET /api/audit/verify`.
 */
@Entity({ name: 'audit_log' })
@Index('ix_audit_log_at', ['at'])
@Index('ix_audit_log_entity', ['entityType', 'entityId'])
@Index('ix_audit_log_actor', ['actorUserId'])
export class AuditLogEntity {
  /** 1, 2, 3… without gaps. */
  @PrimaryColumn({ name: 'seq', type: 'bigint', transformer: epochMsTransformer })
  seq!: number;

  @EpochMsColumn('at')
  at!: number;

  @Column({ name: 'actor_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_username', type: 'varchar', length: LEN.ref, nullable: true })
  actorUsername!: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: LEN.short, nullable: true })
  actorRole!: UserRole | null;

  @Column({ name: 'source', type: 'varchar', length: LEN.short })
  source!: AuditSource;

  @Column({ name: 'action', type: 'varchar', length: LEN.ref })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: LEN.ref, nullable: true })
  entityType!: string | null;

  @Column({ name: 'entity_id', type: 'varchar', length: LEN.name, nullable: true })
  entityId!: string | null;

  /** Canonical JSON of the record before the change. */
  @Column({ name: 'before_state', type: 'text', nullable: true })
  beforeState!: string | null;

  @Column({ name: 'after_state', type: 'text', nullable: true })
  afterState!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: LEN.ref, nullable: true })
  requestId!: string | null;

  @Column({ name: 'ip', type: 'varchar', length: LEN.ref, nullable: true })
  ip!: string | null;

  @Column({ name: 'detail', type: 'varchar', length: LEN.detail, nullable: true })
  detail!: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: LEN.hash })
  prevHash!: string;

  @Column({ name: 'hash', type: 'varchar', length: LEN.hash })
  hash!: string;
}
