import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AlertSeverity, AlertStatus, AlertType } from '@acs/shared/api/alerts';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** One alert; repeats of the same condition while it persists fold into it (`count`, `lastAt`). */
@Entity({ name: 'alerts' })
@Index('idx_alerts_key_status', ['dedupeKey', 'status'])
@Index('idx_alerts_last_at', ['lastAt'])
/** One open alert per condition, also with several server instances (see AlertsService.raise). */
@Index('ux_alerts_open_key', ['dedupeKey'], { unique: true, where: "status = 'open'" })
export class AlertEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.ref })
  type!: AlertType;

  @Column({ type: 'varchar', length: LEN.short })
  severity!: AlertSeverity;

  @Column({ type: 'varchar', length: LEN.short })
  status!: AlertStatus;

  /** Whether the condition still holds. */
  @Column({ type: 'boolean' })
  active!: boolean;

  /** What makes two occurrences the same condition: `door_forced:lab`, `agent_offline:agent-1`. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: LEN.name })
  dedupeKey!: string;

  @Column({ name: 'door_id', type: 'varchar', length: LEN.ref, nullable: true })
  doorId!: string | null;

  @Column({ name: 'agent_id', type: 'varchar', length: LEN.ref, nullable: true })
  agentId!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  personId!: string | null;

  @Column({ type: 'varchar', length: LEN.name, nullable: true })
  holder!: string | null;

  @Column({ type: 'varchar', length: LEN.credential, nullable: true })
  credential!: string | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  detail!: string | null;

  @Column({ type: 'integer' })
  count!: number;

  @EpochMsColumn('first_at')
  firstAt!: number;

  @EpochMsColumn('last_at')
  lastAt!: number;

  @EpochMsColumn('acknowledged_at', { nullable: true })
  acknowledgedAt!: number | null;

  @Column({ name: 'acknowledged_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  acknowledgedByUserId!: string | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  note!: string | null;

  @EpochMsColumn('escalated_at', { nullable: true })
  escalatedAt!: number | null;

  @Column({ name: 'incident_id', type: 'varchar', length: LEN.uuid, nullable: true })
  incidentId!: string | null;
}
