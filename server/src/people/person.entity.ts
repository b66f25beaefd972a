import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonKind, PersonStatus } from '@acs/shared/api/people';
import { EpochMsColumn, LEN } from '../database/columns.js';

@Entity({ name: 'people' })
export class PersonEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  @Column({ type: 'varchar', length: LEN.short })
  kind!: PersonKind;

  @Column({ type: 'varchar', length: LEN.name, nullable: true })
  department!: string | null;

  @Column({ type: 'varchar', length: LEN.email, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: LEN.short })
  status!: PersonStatus;

  /** When the person was marked departed: the start of the leaver proof (docs/product-rules.md#proof-at-the-doors). */
  @EpochMsColumn('departed_at', { nullable: true })
  departedAt!: number | null;

  /** The permission version that carried the departure to the doors (leavers report). */
  @Column({ name: 'departure_version', type: 'integer', nullable: true })
  departureVersion!: number | null;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
