import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';

/**
 * Why a grant ended: removed by an admin, the holder departed, moved to another
 * department, or an owner removed it in an access review.
 */
export type GrantRevocationReason = 'deleted' | 'person_departed' | 'person_moved' | 'review_removed' | 'visit_ended';

/**
 * A permission for a person to enter a zone. Revoking keeps the row (`revokedAt`) so the
 * leavers report and the revocation proof can show when access ended (docs/product-rules.md#proof-at-the-doors).
 */
@Entity({ name: 'grants' })
@Index('ix_grants_person', ['personId'])
@Index('ix_grants_zone', ['zoneId'])
export class GrantEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid })
  personId!: string;

  @ManyToOne(() => PersonEntity)
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_grants_person' })
  person?: Relation<PersonEntity>;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId })
  zoneId!: string;

  @ManyToOne(() => ZoneEntity)
  @JoinColumn({ name: 'zone_id', foreignKeyConstraintName: 'fk_grants_zone' })
  zone?: Relation<ZoneEntity>;

  /** null: at any time. */
  @Column({ name: 'schedule_id', type: 'varchar', length: LEN.ref, nullable: true })
  scheduleId!: string | null;

  @ManyToOne(() => ScheduleEntity)
  @JoinColumn({ name: 'schedule_id', foreignKeyConstraintName: 'fk_grants_schedule' })
  schedule?: Relation<ScheduleEntity>;

  @EpochMsColumn('valid_until', { nullable: true })
  validUntil!: number | null;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('revoked_at', { nullable: true })
  revokedAt!: number | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: LEN.short, nullable: true })
  revokedReason!: GrantRevocationReason | null;

  @Column({ name: 'granted_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  grantedByUserId!: string | null;

  @Column({ name: 'revoked_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  revokedByUserId!: string | null;

  /** The access request whose approval created this grant. */
  @Column({ name: 'access_request_id', type: 'varchar', length: LEN.uuid, nullable: true })
  accessRequestId!: string | null;
}
