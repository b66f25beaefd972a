import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IncidentCause, IncidentEntryKind, IncidentLevel, IncidentStatus, ViolationLevel } from '@acs/shared/api/incidents';
import { EpochMsColumn, LEN } from '../database/columns.js';

@Entity({ name: 'incidents' })
@Index('ux_incidents_number', ['number'], { unique: true })
@Index('idx_incidents_created_at', ['createdAt'])
export class IncidentEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: '20' })
  number!: string;

  @Column({ type: 'integer' })
  level!: IncidentLevel;

  @Column({ type: 'varchar', length: LEN.name })
  title!: string;

  @Column({ type: 'varchar', length: '4000' })
  description!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: IncidentStatus;

  @Column({ type: 'varchar', length: '32', nullable: true })
  cause!: IncidentCause | null;

  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  zoneId!: string | null;

  @Column({ name: 'owner_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  ownerUserId!: string | null;

  @Column({ name: 'reporter_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  reporterUserId!: string | null;

  @Column({ name: 'source_alert_id', type: 'varchar', length: LEN.uuid, nullable: true })
  sourceAlertId!: string | null;

  @Column({ type: 'varchar', length: '4000', nullable: true })
  outcome!: string | null;

  @Column({ name: 'corrective_actions', type: 'varchar', length: '4000', nullable: true })
  correctiveActions!: string | null;

  @Column({ type: 'varchar', length: '4000', nullable: true })
  feedback!: string | null;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('responded_at', { nullable: true })
  respondedAt!: number | null;

  @EpochMsColumn('closed_at', { nullable: true })
  closedAt!: number | null;

  @Column({ name: 'closed_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  closedByUserId!: string | null;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}

/** The incident's timeline: appended to, never edited. */
@Entity({ name: 'incident_entries' })
@Index('idx_incident_entries_incident', ['incidentId', 'at'])
export class IncidentEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'incident_id', type: 'varchar', length: LEN.uuid })
  incidentId!: string;

  @EpochMsColumn('at')
  at!: number;

  @Column({ type: 'varchar', length: LEN.short })
  kind!: IncidentEntryKind;

  @Column({ type: 'varchar', length: '4000', nullable: true })
  text!: string | null;

  @Column({ name: 'actor_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'attachment_name', type: 'varchar', length: LEN.name, nullable: true })
  attachmentName!: string | null;

  @Column({ name: 'attachment_type', type: 'varchar', length: '100', nullable: true })
  attachmentType!: string | null;

  /** Base64; at most 2 MB decoded (photos of a broken seal, a scanned statement). */
  @Column({ name: 'attachment_data', type: 'text', nullable: true })
  attachmentData!: string | null;
}

@Entity({ name: 'violations' })
@Index('idx_violations_person', ['personId', 'at'])
export class ViolationEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid })
  personId!: string;

  @Column({ type: 'integer' })
  level!: ViolationLevel;

  @Column({ type: 'varchar', length: '2000' })
  description!: string;

  @Column({ name: 'incident_id', type: 'varchar', length: LEN.uuid, nullable: true })
  incidentId!: string | null;

  @Column({ name: 'alert_id', type: 'varchar', length: LEN.uuid, nullable: true })
  alertId!: string | null;

  @Column({ name: 'recorded_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  recordedByUserId!: string | null;

  @EpochMsColumn('at')
  at!: number;
}
