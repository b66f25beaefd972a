import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ScheduleWindow } from '@acs/shared/mqtt/payloads';
import { EpochMsColumn, LEN } from '../database/columns.js';

@Entity({ name: 'schedules' })
export class ScheduleEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.ref })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  /** Weekly windows in the site's time zone, as the agents receive them. */
  @Column({ type: 'simple-json' })
  windows!: ScheduleWindow[];

  @Column({ type: 'varchar', length: LEN.short })
  holidays!: 'closed' | 'normal';

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
