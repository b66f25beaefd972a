import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions. Alert escalation and the
// incident an alert became, alert rules per site and zone level, incidents with their
// timeline, and violations against people.
export class IncidentsAndAlertRules1764900000000 implements MigrationInterface {
  name = 'IncidentsAndAlertRules1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = (name: string, length: string, nullable = false) => ({ name, type: 'varchar', length, isNullable: nullable });
    const epochMs = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
    const uuidPk = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
    await queryRunner.addColumns('alerts', [
      new TableColumn({ name: 'escalated_at', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'incident_id', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await queryRunner.addColumns('site_settings', [new TableColumn({ name: 'alert_rules', type: 'text', isNullable: true })]);
    await queryRunner.createTable(
      new Table({
        name: 'incidents',
        columns: [
          uuidPk,
          text('number', '20'),
          { name: 'level', type: 'integer', isNullable: false },
          text('title', '200'),
          text('description', '4000'),
          text('status', '16'),
          text('cause', '32', true),
          text('zone_id', '64', true),
          text('owner_user_id', '36', true),
          text('reporter_user_id', '36', true),
          text('source_alert_id', '36', true),
          text('outcome', '4000', true),
          text('corrective_actions', '4000', true),
          text('feedback', '4000', true),
          epochMs('created_at'),
          epochMs('responded_at', true),
          epochMs('closed_at', true),
          text('closed_by_user_id', '36', true),
          epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createIndex('incidents', new TableIndex({ name: 'ux_incidents_number', columnNames: ['number'], isUnique: true }));
    await queryRunner.createIndex('incidents', new TableIndex({ name: 'idx_incidents_created_at', columnNames: ['created_at'] }));
    await queryRunner.createTable(
      new Table({
        name: 'incident_entries',
        columns: [
          uuidPk,
          text('incident_id', '36'),
          epochMs('at'),
          text('kind', '16'),
          text('text', '4000', true),
          text('actor_user_id', '36', true),
          text('attachment_name', '200', true),
          text('attachment_type', '100', true),
          { name: 'attachment_data', type: 'text', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'incident_entries',
      new TableIndex({ name: 'idx_incident_entries_incident', columnNames: ['incident_id', 'at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'violations',
        columns: [
          uuidPk,
          text('person_id', '36'),
          { name: 'level', type: 'integer', isNullable: false },
          text('description', '2000'),
          text('incident_id', '36', true),
          text('alert_id', '36', true),
          text('recorded_by_user_id', '36', true),
          epochMs('at'),
        ],
      }),
    );
    await queryRunner.createIndex('violations', new TableIndex({ name: 'idx_violations_person', columnNames: ['person_id', 'at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['violations', 'incident_entries', 'incidents']) await queryRunner.dropTable(name);
    await queryRunner.dropColumn('site_settings', 'alert_rules');
    await queryRunner.dropColumn('alerts', 'incident_id');
    await queryRunner.dropColumn('alerts', 'escalated_at');
  }
}
