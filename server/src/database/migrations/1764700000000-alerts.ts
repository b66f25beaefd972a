import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions. Alerts.
export class Alerts1764700000000 implements MigrationInterface {
  name = 'Alerts1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = (name: string, length: string, nullable = false) => ({ name, type: 'varchar', length, isNullable: nullable });
    const epochMs = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: 'alerts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          text('type', '64'),
          text('severity', '16'),
          text('status', '16'),
          { name: 'active', type: 'boolean', isNullable: false },
          text('dedupe_key', '200'),
          text('door_id', '64', true),
          text('agent_id', '64', true),
          text('person_id', '36', true),
          text('holder', '200', true),
          text('credential', '100', true),
          text('detail', '500', true),
          { name: 'count', type: 'integer', isNullable: false },
          epochMs('first_at'),
          epochMs('last_at'),
          epochMs('acknowledged_at', true),
          text('acknowledged_by_user_id', '36', true),
          text('note', '500', true),
        ],
      }),
    );
    await queryRunner.createIndex('alerts', new TableIndex({ name: 'idx_alerts_key_status', columnNames: ['dedupe_key', 'status'] }));
    await queryRunner.createIndex('alerts', new TableIndex({ name: 'idx_alerts_last_at', columnNames: ['last_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('alerts');
  }
}
