import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex, type TableColumnOptions } from 'typeorm';

// Written with the QueryRunner Table API so one migration set runs on SQLite and
// PostgreSQL. Lengths are literal on purpose: a migration must not change when the
// entities later do. Timestamps are epoch milliseconds in bigint columns (see
// database/columns.ts).

const key = (name: string, length: string): TableColumnOptions => ({ name, type: 'varchar', length, isPrimary: true });
const text = (name: string, length: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length,
  isNullable: nullable,
});
const json = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: false });
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
const bigint = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const epochMs = bigint;
const bool = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'boolean', isNullable: nullable });

const fk = (name: string, column: string, table: string, onDelete?: 'CASCADE'): TableForeignKey =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    ...(onDelete ? { onDelete } : {}),
  });

const index = (name: string, columns: string[], options: { unique?: boolean; where?: string } = {}): TableIndex =>
  new TableIndex({
    name,
    columnNames: columns,
    isUnique: options.unique ?? false,
    ...(options.where === undefined ? {} : { where: options.where }),
  });

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'site_settings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          text('name', '200'),
          text('time_zone', '64'),
          json('holidays'),
          json('card_type_ceilings'),
          int('permission_version'),
          epochMs('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'people',
        columns: [
          key('id', '36'),
          text('name', '200'),
          text('kind', '16'),
          text('department', '200', true),
          text('email', '320', true),
          text('status', '16'),
          epochMs('departed_at', true),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          key('id', '36'),
          text('username', '64'),
          text('display_name', '200'),
          text('role', '16'),
          text('person_id', '36', true),
          text('locale', '16'),
          text('password_hash', '255'),
          bool('is_demo'),
          epochMs('created_at'),
        ],
        indices: [index('ux_users_username', ['username'], { unique: true })],
        foreignKeys: [fk('fk_users_person', 'person_id', 'people')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [key('token_hash', '64'), text('user_id', '36'), epochMs('created_at'), epochMs('last_used_at'), epochMs('expires_at')],
        indices: [index('ix_sessions_user', ['user_id']), index('ix_sessions_expires_at', ['expires_at'])],
        foreignKeys: [fk('fk_sessions_user', 'user_id', 'users', 'CASCADE')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'zones',
        columns: [
          key('id', '64'),
          text('name', '200'),
          int('level'),
          text('parent_id', '64', true),
          text('owner_person_id', '36', true),
          text('anti_passback', '16'),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
        foreignKeys: [fk('fk_zones_parent', 'parent_id', 'zones'), fk('fk_zones_owner_person', 'owner_person_id', 'people')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'agents',
        columns: [
          key('id', '63'),
          text('name', '200'),
          text('mqtt_password_hash', '255'),
          bool('online'),
          epochMs('last_seen_at', true),
          text('software_version', '50', true),
          int('applied_version', true),
          text('applied_hash', '64', true),
          epochMs('applied_at', true),
          bool('hash_matches', true),
          bigint('contiguous_seq'),
          epochMs('created_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'doors',
        columns: [
          key('id', '63'),
          text('name', '200'),
          text('from_zone_id', '64'),
          text('to_zone_id', '64'),
          text('agent_id', '63', true),
          int('release_ms'),
          int('held_open_ms'),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
        indices: [index('ix_doors_agent', ['agent_id'])],
        foreignKeys: [
          fk('fk_doors_from_zone', 'from_zone_id', 'zones'),
          fk('fk_doors_to_zone', 'to_zone_id', 'zones'),
          fk('fk_doors_agent', 'agent_id', 'agents'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'schedules',
        columns: [
          key('id', '64'),
          text('name', '200'),
          json('windows'),
          text('holidays', '16'),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'cards',
        columns: [
          key('id', '36'),
          text('credential', '100'),
          text('type', '16'),
          text('status', '16'),
          text('person_id', '36', true),
          epochMs('valid_from', true),
          epochMs('valid_until', true),
          int('level_ceiling_override', true),
          epochMs('status_changed_at'),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
        indices: [
          index('ix_cards_credential', ['credential']),
          index('ux_cards_live_credential', ['credential'], {
            unique: true,
            where: `"status" NOT IN ('returned', 'revoked', 'destroyed')`,
          }),
          index('ix_cards_person', ['person_id']),
        ],
        foreignKeys: [fk('fk_cards_person', 'person_id', 'people')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'grants',
        columns: [
          key('id', '36'),
          text('person_id', '36'),
          text('zone_id', '64'),
          text('schedule_id', '64', true),
          epochMs('valid_until', true),
          epochMs('created_at'),
          epochMs('revoked_at', true),
          text('revoked_reason', '16', true),
        ],
        indices: [index('ix_grants_person', ['person_id']), index('ix_grants_zone', ['zone_id'])],
        foreignKeys: [
          fk('fk_grants_person', 'person_id', 'people'),
          fk('fk_grants_zone', 'zone_id', 'zones'),
          fk('fk_grants_schedule', 'schedule_id', 'schedules'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'events',
        columns: [
          key('event_id', '36'),
          text('agent_id', '63'),
          bigint('seq'),
          text('kind', '16'),
          epochMs('occurred_at'),
          epochMs('received_at'),
          text('door_id', '63', true),
          text('reader_id', '64', true),
          text('device_id', '64', true),
          text('direction', '16', true),
          text('zone_id', '64', true),
          text('credential', '100', true),
          text('card_id', '64', true),
          text('person_id', '64', true),
          text('holder', '200', true),
          bool('granted', true),
          text('reason', '32', true),
          text('type', '32', true),
          text('detail', '500', true),
          int('permission_version', true),
        ],
        indices: [
          index('ix_events_agent_seq', ['agent_id', 'seq']),
          index('ix_events_occurred_at', ['occurred_at']),
          index('ix_events_person_occurred_at', ['person_id', 'occurred_at']),
          index('ix_events_door_occurred_at', ['door_id', 'occurred_at']),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'permission_deliveries',
        columns: [
          key('agent_id', '63'),
          { name: 'version', type: 'integer', isPrimary: true },
          text('compiled_hash', '64', true),
          int('card_count', true),
          epochMs('sent_at', true),
          epochMs('applied_at', true),
          epochMs('confirmed_at', true),
          text('reported_hash', '64', true),
          bool('hash_matches', true),
        ],
        indices: [index('ix_permission_deliveries_version', ['version'])],
        foreignKeys: [fk('fk_permission_deliveries_agent', 'agent_id', 'agents', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'permission_deliveries',
      'events',
      'grants',
      'cards',
      'schedules',
      'doors',
      'agents',
      'zones',
      'sessions',
      'users',
      'people',
      'site_settings',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
