import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { AccessRequestStatus } from '@acs/shared/api/access-requests';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';

/** An employee asks for a zone; the zone's owner (or an admin) approves or refuses with a reason. */
@Entity({ name: 'access_requests' })
@Index('ix_access_requests_zone_status', ['zoneId', 'status'])
@Index('ix_access_requests_person', ['personId'])
export class AccessRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid })
  personId!: string;

  @ManyToOne(() => PersonEntity)
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_access_requests_person' })
  person?: Relation<PersonEntity>;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId })
  zoneId!: string;

  @ManyToOne(() => ZoneEntity)
  @JoinColumn({ name: 'zone_id', foreignKeyConstraintName: 'fk_access_requests_zone' })
  zone?: Relation<ZoneEntity>;

  @Column({ name: 'schedule_id', type: 'varchar', length: LEN.ref, nullable: true })
  scheduleId!: string | null;

  @ManyToOne(() => ScheduleEntity)
  @JoinColumn({ name: 'schedule_id', foreignKeyConstraintName: 'fk_access_requests_schedule' })
  schedule?: Relation<ScheduleEntity>;

  @EpochMsColumn('valid_until', { nullable: true })
  validUntil!: number | null;

  @Column({ type: 'varchar', length: LEN.detail })
  reason!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: AccessRequestStatus;

  @Column({ name: 'requested_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  requestedByUserId!: string | null;

  @EpochMsColumn('requested_at')
  requestedAt!: number;

  @Column({ name: 'decided_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  decidedByUserId!: string | null;

  @EpochMsColumn('decided_at', { nullable: true })
  decidedAt!: number | null;

  @Column({ name: 'decision_reason', type: 'varchar', length: LEN.detail, nullable: true })
  decisionReason!: string | null;

  @Column({ name: 'grant_id', type: 'varchar', length: LEN.uuid, nullable: true })
  grantId!: string | null;
}
