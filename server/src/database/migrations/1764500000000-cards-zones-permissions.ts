import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
  type TableColumnOptions,
} from 'typeorm';

// Cards and permissions: card lifecycle with separation of duties, departments, access requests,
// access reviews, door fail mode, site level names, holiday names and card-type validity.
// See 1764000000000-initial-schema.ts for the conventions (Table API, literal lengths,
// epoch-millisecond bigint timestamps).

const key = (name: string, length: string): TableColumnOptions => ({ name, type: 'varchar', length, isPrimary: true });
const text = (name: string, length: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length,
  isNullable: nullable,
});
const json = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const epochMs = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });

const fk = (name: string, column: string, table: string): TableForeignKey =>
  new TableForeignKey({ name, columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'] });

const index = (name: string, columns: string[], unique = false): TableIndex =>
  new TableIndex({ name, columnNames: columns, isUnique: unique });

export class CardsZonesPermissions1764500000000 implements MigrationInterface {
  name = 'CardsZonesPermissions1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('site_settings', [
      new TableColumn(json('holiday_names', true)),
      new TableColumn(json('level_names', true)),
      new TableColumn(json('card_type_validity_days', true)),
    ]);
    await queryRunner.addColumns('doors', [
      new TableColumn({ name: 'fail_mode', type: 'varchar', length: '16', isNullable: false, default: "'secure'" }),
    ]);
    await queryRunner.addColumns('cards', [
      new TableColumn(text('requested_by_user_id', '36', true)),
      new TableColumn(text('approved_by_user_id', '36', true)),
      new TableColumn(text('issued_by_user_id', '36', true)),
      new TableColumn(text('replaces_card_id', '36', true)),
    ]);
    await queryRunner.addColumns('grants', [
      new TableColumn(text('granted_by_user_id', '36', true)),
      new TableColumn(text('revoked_by_user_id', '36', true)),
      new TableColumn(text('access_request_id', '36', true)),
    ]);
    await queryRunner.addColumns('people', [new TableColumn({ name: 'departure_version', type: 'integer', isNullable: true })]);

    await queryRunner.createTable(
      new Table({
        name: 'card_history',
        columns: [
          key('id', '36'),
          text('card_id', '36'),
          text('from_status', '16', true),
          text('to_status', '16'),
          epochMs('at'),
          text('actor_user_id', '36', true),
          text('note', '500', true),
        ],
        indices: [index('ix_card_history_card', ['card_id', 'at'])],
        foreignKeys: [fk('fk_card_history_card', 'card_id', 'cards')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'departments',
        columns: [key('id', '36'), text('name', '200'), json('default_zones'), epochMs('created_at'), epochMs('updated_at')],
        indices: [index('ux_departments_name', ['name'], true)],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'access_requests',
        columns: [
          key('id', '36'),
          text('person_id', '36'),
          text('zone_id', '64'),
          text('schedule_id', '64', true),
          epochMs('valid_until', true),
          text('reason', '500'),
          text('status', '16'),
          text('requested_by_user_id', '36', true),
          epochMs('requested_at'),
          text('decided_by_user_id', '36', true),
          epochMs('decided_at', true),
          text('decision_reason', '500', true),
          text('grant_id', '36', true),
        ],
        indices: [index('ix_access_requests_zone_status', ['zone_id', 'status']), index('ix_access_requests_person', ['person_id'])],
        foreignKeys: [
          fk('fk_access_requests_person', 'person_id', 'people'),
          fk('fk_access_requests_zone', 'zone_id', 'zones'),
          fk('fk_access_requests_schedule', 'schedule_id', 'schedules'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'review_campaigns',
        columns: [
          key('id', '36'),
          text('name', '200'),
          text('status', '16'),
          json('zone_ids'),
          text('started_by_user_id', '36', true),
          epochMs('started_at'),
          epochMs('due_at', true),
          epochMs('closed_at', true),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'review_items',
        columns: [
          key('id', '36'),
          text('campaign_id', '36'),
          text('grant_id', '36'),
          text('person_id', '36'),
          text('zone_id', '64'),
          text('schedule_id', '64', true),
          epochMs('valid_until', true),
          text('owner_person_id', '36', true),
          text('decision', '16', true),
          text('decided_by_user_id', '36', true),
          epochMs('decided_at', true),
          text('note', '500', true),
        ],
        indices: [index('ix_review_items_campaign', ['campaign_id']), index('ix_review_items_zone', ['zone_id'])],
        foreignKeys: [fk('fk_review_items_campaign', 'campaign_id', 'review_campaigns'), fk('fk_review_items_grant', 'grant_id', 'grants')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['review_items', 'review_campaigns', 'access_requests', 'departments', 'card_history']) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.dropColumn('people', 'departure_version');
    for (const column of ['access_request_id', 'revoked_by_user_id', 'granted_by_user_id']) await queryRunner.dropColumn('grants', column);
    for (const column of ['replaces_card_id', 'issued_by_user_id', 'approved_by_user_id', 'requested_by_user_id'])
      await queryRunner.dropColumn('cards', column);
    await queryRunner.dropColumn('doors', 'fail_mode');
    for (const column of ['card_type_validity_days', 'level_names', 'holiday_names']) await queryRunner.dropColumn('site_settings', column);
  }
}
