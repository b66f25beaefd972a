import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { EquipmentKind, EquipmentStatus, MovementKind } from '@acs/shared/api/equipment';
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

/**
 * Append-only (docs/product-rules.md#movement-log): the service only inserts; each row keeps a copy of the
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
