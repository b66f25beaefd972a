import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions. Events an agent sent that the
// server refused for good, with the reason; their sequence numbers count as arrived.
export class RefusedEvents1765200000000 implements MigrationInterface {
  name = 'RefusedEvents1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'refused_events',
        columns: [
          { name: 'event_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'agent_id', type: 'varchar', length: '63', isNullable: false },
          { name: 'seq', type: 'bigint', isNullable: false },
          { name: 'reason', type: 'varchar', length: '500', isNullable: false },
          { name: 'payload', type: 'text', isNullable: false },
          { name: 'received_at', type: 'bigint', isNullable: false },
        ],
      }),
    );
    await queryRunner.createIndex(
      'refused_events',
      new TableIndex({ name: 'ix_refused_events_agent_seq', columnNames: ['agent_id', 'seq'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refused_events');
  }
}
