import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BigIntColumn, EpochMsColumn } from '../database/columns.js';

/**
 * One row per periodic job, shared by every server instance. A period (epoch ms divided by
 * the job's interval) is claimed by setting `holder`, `period` and a future `leaseUntil` in
 * one conditional UPDATE; it counts as done only once `donePeriod` reaches it.
 */
@Entity('job_leases')
export class JobLeaseEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: '64' })
  name!: string;

  @Column({ name: 'holder', type: 'varchar', length: '64', nullable: true })
  holder!: string | null;

  /** The period last claimed; above `donePeriod` while it runs, or when its holder died. */
  @BigIntColumn('period')
  period!: number;

  @BigIntColumn('done_period')
  donePeriod!: number;

  /** 0 once released: the holder renews it while the job runs. */
  @EpochMsColumn('lease_until')
  leaseUntil!: number;
}

export type JobRunOutcome = 'running' | 'done' | 'failed';

/** Who ran which period of which job: the last 100 periods per job, for tests and operators. */
@Entity('job_runs')
@Index('ix_job_runs_job_period', ['job', 'period'])
export class JobRunEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: '36' })
  id!: string;

  @Column({ name: 'job', type: 'varchar', length: '64' })
  job!: string;

  @BigIntColumn('period')
  period!: number;

  @Column({ name: 'instance_id', type: 'varchar', length: '64' })
  instanceId!: string;

  @EpochMsColumn('started_at')
  startedAt!: number;

  @EpochMsColumn('finished_at', { nullable: true })
  finishedAt!: number | null;

  /** `running` stays for a run whose instance died before it finished. */
  @Column({ name: 'outcome', type: 'varchar', length: '16' })
  outcome!: JobRunOutcome;
}
