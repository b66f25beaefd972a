import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReviewCampaignStatus } from '@acs/shared/api/reviews';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** An access-review (recertification) campaign over some zones (docs/product-rules.md#access-reviews). */
@Entity({ name: 'review_campaigns' })
export class ReviewCampaignEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: ReviewCampaignStatus;

  @Column({ name: 'zone_ids', type: 'simple-json' })
  zoneIds!: string[];

  @Column({ name: 'started_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  startedByUserId!: string | null;

  @EpochMsColumn('started_at')
  startedAt!: number;

  @EpochMsColumn('due_at', { nullable: true })
  dueAt!: number | null;

  @EpochMsColumn('closed_at', { nullable: true })
  closedAt!: number | null;
}
