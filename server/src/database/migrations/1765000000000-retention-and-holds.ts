import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions. Retention settings per
// record type, legal holds, and the index the access history by zone and period reads.
export class RetentionAndHolds1765000000000 implements MigrationInterface {
  name = 'RetentionAndHolds1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('site_settings', [new TableColumn({ name: 'retention', type: 'text', isNullable: true })]);
    await queryRunner.createTable(
      new Table({
        name: 'legal_holds',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'reason', type: 'varchar', length: '500', isNullable: false },
          { name: 'person_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'period_from', type: 'bigint', isNullable: false },
          { name: 'period_to', type: 'bigint', isNullable: false },
          { name: 'created_by_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'bigint', isNullable: false },
          { name: 'released_at', type: 'bigint', isNullable: true },
          { name: 'released_by_user_id', type: 'varchar', length: '36', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'events',
      new TableIndex({ name: 'ix_events_zone_occurred_at', columnNames: ['zone_id', 'occurred_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('events', 'ix_events_zone_occurred_at');
    await queryRunner.dropTable('legal_holds');
    await queryRunner.dropColumn('site_settings', 'retention');
  }
}
