import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions. State that several
// server instances on one database must share: leases of periodic jobs and their run
// history, sign-in failure counters, and since when an agent has been seen behind the
// current permission version (the sync-lag alert of whichever instance sweeps).
export class ClusterState1765300000000 implements MigrationInterface {
  name = 'ClusterState1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '64', isNullable: true },
          { name: 'period', type: 'bigint', isNullable: false },
          { name: 'done_period', type: 'bigint', isNullable: false },
          { name: 'lease_until', type: 'bigint', isNullable: false },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'job_runs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'job', type: 'varchar', length: '64', isNullable: false },
          { name: 'period', type: 'bigint', isNullable: false },
          { name: 'instance_id', type: 'varchar', length: '64', isNullable: false },
          { name: 'started_at', type: 'bigint', isNullable: false },
          { name: 'finished_at', type: 'bigint', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16', isNullable: false },
        ],
        indices: [new TableIndex({ name: 'ix_job_runs_job_period', columnNames: ['job', 'period'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_throttle',
        columns: [
          { name: 'subject', type: 'varchar', length: '200', isPrimary: true },
          { name: 'failures', type: 'integer', isNullable: false },
          { name: 'first_at', type: 'bigint', isNullable: false },
          { name: 'locked_until', type: 'bigint', isNullable: false },
        ],
      }),
    );
    await queryRunner.addColumn('agents', new TableColumn({ name: 'behind_since', type: 'bigint', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('agents', 'behind_since');
    await queryRunner.dropTable('login_throttle');
    await queryRunner.dropTable('job_runs');
    await queryRunner.dropTable('job_leases');
  }
}
