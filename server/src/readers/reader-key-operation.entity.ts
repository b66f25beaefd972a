import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReaderKeyOperationKind, ReaderKeyOperationStatus } from '@acs/shared/readers/reader-views';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** Every provisioning window and key installation or rotation: who asked, when, and what the agent answered. */
@Entity({ name: 'reader_key_operations' })
@Index('ix_reader_key_operations_reader', ['readerRef', 'requestedAt'])
@Index('ux_reader_key_operations_command', ['commandId'], { unique: true })
export class ReaderKeyOperationEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'reader_ref', type: 'varchar', length: '128' })
  readerRef!: string;

  @Column({ type: 'varchar', length: '32' })
  kind!: ReaderKeyOperationKind;

  @Column({ type: 'varchar', length: LEN.short })
  status!: ReaderKeyOperationStatus;

  /** `commandId` of the command sent to the agent. */
  @Column({ name: 'command_id', type: 'varchar', length: LEN.uuid })
  commandId!: string;

  @Column({ name: 'key_id', type: 'varchar', length: LEN.uuid, nullable: true })
  keyId!: string | null;

  @Column({ name: 'actor_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  actorUserId!: string | null;

  @EpochMsColumn('requested_at')
  requestedAt!: number;

  @EpochMsColumn('completed_at', { nullable: true })
  completedAt!: number | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  detail!: string | null;
}
