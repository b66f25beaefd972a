import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { DataHandling, EquipmentKind, EquipmentStatus, GatePassStatus, GatePassType, MovementKind, SealStatus } from '@acs/shared/api/equipment';
import { EpochMsColumn, LEN } from '../database/columns.js';

@Entity({ name: 'equipment' })
@Index('ux_equipment_asset_tag', ['assetTag'], { unique: true })
export class EquipmentEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'asset_tag', type: 'varchar', length: LEN.ref })
  assetTag!: string;

  @Column({ type: 'varchar', length: LEN.ref, nullable: true })
  serial!: string | null;

  @Column({ type: 'varchar', length: '32' })
  kind!: EquipmentKind;

  @Column({ type: 'varchar', length: LEN.detail })
  description!: string;

  @Column({ name: 'owner_person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  ownerPersonId!: string | null;

  @Column({ name: 'home_zone_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  homeZoneId!: string | null;

  @Column({ name: 'stores_data', type: 'boolean', default: false })
  storesData!: boolean;

  @Column({ type: 'varchar', length: LEN.short })
  status!: EquipmentStatus;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}

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

@Entity({ name: 'seals' })
@Index('ux_seals_number', ['number'], { unique: true })
@Index('idx_seals_equipment', ['equipmentId'])
export class SealEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.ref })
  number!: string;

  @Column({ name: 'equipment_id', type: 'varchar', length: LEN.uuid, nullable: true })
  equipmentId!: string | null;

  /** Where the seal is when it is not on a registered item (a rack door, a cabinet). */
  @Column({ type: 'varchar', length: LEN.name, nullable: true })
  location!: string | null;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  zoneId!: string | null;

  @Column({ type: 'varchar', length: LEN.short })
  status!: SealStatus;

  @Column({ name: 'applied_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  appliedByUserId!: string | null;

  @EpochMsColumn('applied_at')
  appliedAt!: number;

  @EpochMsColumn('last_inspected_at', { nullable: true })
  lastInspectedAt!: number | null;

  @Column({ name: 'last_inspected_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  lastInspectedByUserId!: string | null;

  @Column({ name: 'replaced_by_seal_id', type: 'varchar', length: LEN.uuid, nullable: true })
  replacedBySealId!: string | null;
}

/**
 * Append-only (requirements §4): the service only inserts; each row keeps a copy of the
 * item as it was, so a later edit of the register does not rewrite history.
 */
@Entity({ name: 'equipment_movements' })
@Index('ux_movements_id', ['id'], { unique: true })
@Index('idx_movements_equipment', ['equipmentId', 'seq'])
@Index('idx_movements_at', ['at'])
export class MovementEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @EpochMsColumn('at')
  at!: number;

  @Column({ type: 'varchar', length: '32' })
  kind!: MovementKind;

  @Column({ name: 'equipment_id', type: 'varchar', length: LEN.uuid, nullable: true })
  equipmentId!: string | null;

  @Column({ name: 'asset_tag', type: 'varchar', length: LEN.ref, nullable: true })
  assetTag!: string | null;

  @Column({ name: 'item_snapshot', type: 'text', nullable: true })
  itemSnapshot!: string | null;

  @Column({ name: 'pass_id', type: 'varchar', length: LEN.uuid, nullable: true })
  passId!: string | null;

  @Column({ name: 'seal_id', type: 'varchar', length: LEN.uuid, nullable: true })
  sealId!: string | null;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  zoneId!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  personId!: string | null;

  @Column({ name: 'visit_id', type: 'varchar', length: LEN.uuid, nullable: true })
  visitId!: string | null;

  @Column({ type: 'varchar', length: LEN.short, nullable: true })
  decision!: 'allow' | 'stop' | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  reason!: string | null;

  @Column({ name: 'actor_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  actorUserId!: string | null;
}
