import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions (Table API, literal lengths,
// epoch-millisecond bigint timestamps). OSDP key management: readers reported by agents, OSDP keys
// sealed with the server's master key, and the record of every key operation.

const text = (name: string, length: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length,
  isNullable: nullable,
});
const key = (name: string, length: string): TableColumnOptions => ({ name, type: 'varchar', length, isPrimary: true });
const epochMs = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });

export class Readers1764300000000 implements MigrationInterface {
  name = 'Readers1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'readers',
        columns: [
          key('id', '128'),
          text('agent_id', '63'),
          text('reader_id', '63'),
          text('type', '32'),
          text('door_id', '63'),
          text('direction', '16'),
          { name: 'online', type: 'boolean', isNullable: false },
          text('fault', '64', true),
          { name: 'osdp', type: 'text', isNullable: true },
          epochMs('reported_at'),
        ],
        indices: [new TableIndex({ name: 'ix_readers_agent', columnNames: ['agent_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'reader_keys',
        columns: [
          key('id', '36'),
          text('reader_ref', '128'),
          text('status', '16'),
          { name: 'sealed', type: 'text', isNullable: false },
          epochMs('created_at'),
          text('created_by', '36', true),
          epochMs('installed_at', true),
          epochMs('retired_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_reader_keys_reader', columnNames: ['reader_ref'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'reader_key_operations',
        columns: [
          key('id', '36'),
          text('reader_ref', '128'),
          text('kind', '32'),
          text('status', '16'),
          text('command_id', '36'),
          text('key_id', '36', true),
          text('actor_user_id', '36', true),
          epochMs('requested_at'),
          epochMs('completed_at', true),
          text('detail', '500', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_reader_key_operations_reader', columnNames: ['reader_ref', 'requested_at'] }),
          new TableIndex({ name: 'ux_reader_key_operations_command', columnNames: ['command_id'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reader_key_operations');
    await queryRunner.dropTable('reader_keys');
    await queryRunner.dropTable('readers');
  }
}
