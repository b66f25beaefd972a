import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, LEN } from '../database/columns.js';

/**
 * A legal hold (docs/product-rules.md#retention): records of the period (and of one person, when named) are kept
 * whatever the retention settings say, until the hold is released.
 */
@Entity({ name: 'legal_holds' })
export class LegalHoldEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.detail })
  reason!: string;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  personId!: string | null;

  @EpochMsColumn('period_from')
  periodFrom!: number;

  @EpochMsColumn('period_to')
  periodTo!: number;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  createdByUserId!: string | null;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('released_at', { nullable: true })
  releasedAt!: number | null;

  @Column({ name: 'released_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  releasedByUserId!: string | null;
}
