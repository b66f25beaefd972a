import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, LEN } from '../database/columns.js';

export interface DepartmentZone {
  zoneId: string;
  scheduleId: string | null;
}

/**
 * A department and the zones every member gets by default. People name their department
 * by `name` (`people.department`), so renaming one renames it on its members too.
 */
@Entity({ name: 'departments' })
@Index('ux_departments_name', ['name'], { unique: true })
export class DepartmentEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  /** Only L0/L1 zones: anything controlled needs the owner's approval. */
  @Column({ name: 'default_zones', type: 'simple-json' })
  defaultZones!: DepartmentZone[];

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
