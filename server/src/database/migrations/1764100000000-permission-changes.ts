import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions (Table API, literal lengths,
// epoch-millisecond bigint timestamps).
export class PermissionChanges1764100000000 implements MigrationInterface {
  name = 'PermissionChanges1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'permission_changes',
        columns: [
          { name: 'version', type: 'integer', isPrimary: true },
          { name: 'at', type: 'bigint', isNullable: false },
          { name: 'reason', type: 'varchar', length: '500', isNullable: false },
          { name: 'card_ids', type: 'text', isNullable: false },
          { name: 'person_ids', type: 'text', isNullable: false },
          { name: 'structural', type: 'boolean', isNullable: false },
          { name: 'revokes', type: 'boolean', isNullable: false },
          { name: 'actor_user_id', type: 'varchar', length: '36', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('permission_changes');
  }
}
