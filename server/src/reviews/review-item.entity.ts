import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { ReviewDecision } from '@acs/shared/api/reviews';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { ReviewCampaignEntity } from './review-campaign.entity.js';

/**
 * One grant to recertify. The grant's terms and the zone's owner are copied when the
 * campaign starts, so the record shows what the owner was asked about.
 */
@Entity({ name: 'review_items' })
@Index('ix_review_items_campaign', ['campaignId'])
@Index('ix_review_items_zone', ['zoneId'])
export class ReviewItemEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: LEN.uuid })
  campaignId!: string;

  @ManyToOne(() => ReviewCampaignEntity)
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_review_items_campaign' })
  campaign?: Relation<ReviewCampaignEntity>;

  @Column({ name: 'grant_id', type: 'varchar', length: LEN.uuid })
  grantId!: string;

  @ManyToOne(() => GrantEntity)
  @JoinColumn({ name: 'grant_id', foreignKeyConstraintName: 'fk_review_items_grant' })
  grant?: Relation<GrantEntity>;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid })
  personId!: string;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId })
  zoneId!: string;

  @Column({ name: 'schedule_id', type: 'varchar', length: LEN.ref, nullable: true })
  scheduleId!: string | null;

  @EpochMsColumn('valid_until', { nullable: true })
  validUntil!: number | null;

  @Column({ name: 'owner_person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  ownerPersonId!: string | null;

  @Column({ type: 'varchar', length: LEN.short, nullable: true })
  decision!: ReviewDecision | null;

  @Column({ name: 'decided_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  decidedByUserId!: string | null;

  @EpochMsColumn('decided_at', { nullable: true })
  decidedAt!: number | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  note!: string | null;
}
