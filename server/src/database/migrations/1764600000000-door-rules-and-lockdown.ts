import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { isPostgres, table } from './migration-sql.js';

// See 1764000000000-initial-schema.ts for the conventions. The door rules: the
// two-person rule per zone (on for existing L3 zones, as the manual asks), cards designated
// for lockdown, the lockdown in force, and the rule tunables the agents receive.
export class DoorRulesAndLockdown1764600000000 implements MigrationInterface {
  name = 'DoorRulesAndLockdown1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // SQLite keeps booleans as 0/1 and TypeORM compares defaults in that form.
    const pg = isPostgres(queryRunner);
    const no = pg ? false : 0;
    await queryRunner.addColumns('zones', [new TableColumn({ name: 'two_person', type: 'boolean', isNullable: false, default: no })]);
    await queryRunner.query(`UPDATE ${table(queryRunner, 'zones')} SET two_person = ${pg ? 'true' : '1'} WHERE level >= 3`);
    await queryRunner.addColumns('cards', [new TableColumn({ name: 'lockdown_access', type: 'boolean', isNullable: false, default: no })]);
    await queryRunner.addColumns('site_settings', [
      new TableColumn({ name: 'lockdown', type: 'text', isNullable: true }),
      new TableColumn({ name: 'door_rules', type: 'text', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('site_settings', 'door_rules');
    await queryRunner.dropColumn('site_settings', 'lockdown');
    await queryRunner.dropColumn('cards', 'lockdown_access');
    await queryRunner.dropColumn('zones', 'two_person');
  }
}
