import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DataHandling, GatePassStatus, GatePassType } from '@acs/shared/api/equipment';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** Permission for one registered item to leave (and, if returnable, come back); approved by someone other than the requester. */
@Entity({ name: 'gate_passes' })
@Index('ux_gate_passes_number', ['number'], { unique: true })
@Index('idx_gate_passes_equipment', ['equipmentId'])
@Index('idx_gate_passes_status', ['status'])
export class GatePassEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: '20' })
  number!: string;

  @Column({ name: 'equipment_id', type: 'varchar', length: LEN.uuid })
  equipmentId!: string;

  @Column({ type: 'varchar', length: LEN.short })
  type!: GatePassType;

  @Column({ type: 'varchar', length: LEN.detail })
  reason!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: GatePassStatus;

  @Column({ name: 'requested_by_user_id', type: 'varchar', length: LEN.uuid })
  requestedByUserId!: string;

  @EpochMsColumn('requested_at')
  requestedAt!: number;

  @Column({ name: 'approved_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  approvedByUserId!: string | null;

  @EpochMsColumn('decided_at', { nullable: true })
  decidedAt!: number | null;

  @Column({ name: 'decision_note', type: 'varchar', length: LEN.detail, nullable: true })
  decisionNote!: string | null;

  /** The pass may be used at the checkpoint until then. */
  @EpochMsColumn('valid_until')
  validUntil!: number;

  @EpochMsColumn('expected_return_at', { nullable: true })
  expectedReturnAt!: number | null;

  @Column({ name: 'data_handling', type: 'varchar', length: LEN.short, nullable: true })
  dataHandling!: DataHandling | null;

  @Column({ name: 'data_handling_note', type: 'varchar', length: LEN.detail, nullable: true })
  dataHandlingNote!: string | null;

  @EpochMsColumn('out_at', { nullable: true })
  outAt!: number | null;

  @Column({ name: 'out_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  outByUserId!: string | null;

  @EpochMsColumn('returned_at', { nullable: true })
  returnedAt!: number | null;

  @Column({ name: 'returned_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  returnedByUserId!: string | null;

  @EpochMsColumn('overdue_at', { nullable: true })
  overdueAt!: number | null;
}
