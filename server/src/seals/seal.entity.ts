import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SealStatus } from '@acs/shared/api/equipment';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** A numbered tamper seal on a registered item or at a location (a rack door, a cabinet). */
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
