import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions. An agent's event whose device
// time is outside the window the server believes is stored at the server's receive time;
// the device's own time is kept here (null for every believable event).
export class DeviceTime1765100000000 implements MigrationInterface {
  name = 'DeviceTime1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('events', new TableColumn({ name: 'device_occurred_at', type: 'bigint', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('events', 'device_occurred_at');
  }
}
