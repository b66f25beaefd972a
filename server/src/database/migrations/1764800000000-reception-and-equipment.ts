import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { isPostgres } from './migration-sql.js';

// See 1764000000000-initial-schema.ts for the conventions. Reception and equipment: visits, the watch list,
// the visitor card pool, where people were last let in, and the equipment register with
// gate passes, seals and the append-only movement log.
export class ReceptionAndEquipment1764800000000 implements MigrationInterface {
  name = 'ReceptionAndEquipment1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = isPostgres(queryRunner);
    const no = pg ? false : 0;
    const yes = pg ? true : 1;
    const text = (name: string, length: string, nullable = false) => ({ name, type: 'varchar', length, isNullable: nullable });
    const epochMs = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
    const uuidPk = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
    const bool = (name: string, value: boolean) => ({ name, type: 'boolean', isNullable: false, default: value ? yes : no });
    const longText = (name: string, nullable = false) => ({ name, type: 'text', isNullable: nullable });
    const index = (tableName: string, name: string, columnNames: string[], isUnique = false) =>
      queryRunner.createIndex(tableName, new TableIndex({ name, columnNames, isUnique }));

    await queryRunner.createTable(
      new Table({
        name: 'visits',
        columns: [
          uuidPk,
          text('status', '16'),
          text('source', '16'),
          text('visitor_name', '200'),
          text('visitor_company', '200', true),
          text('visitor_phone', '40', true),
          text('host_person_id', '36'),
          text('purpose', '500'),
          longText('zone_ids'),
          epochMs('window_start'),
          epochMs('window_end'),
          text('invitation_token', '64', true),
          text('host_decision', '16', true),
          text('host_decided_by_user_id', '36', true),
          epochMs('host_decided_at', true),
          text('host_note', '500', true),
          text('watchlist_status', '16'),
          text('watchlist_entry_id', '36', true),
          { name: 'watchlist_score', type: 'real', isNullable: true },
          text('watchlist_decided_by_user_id', '36', true),
          text('watchlist_note', '500', true),
          text('id_document_type', '32', true),
          text('id_number_masked', '40', true),
          text('id_number_hash', '64', true),
          text('id_checked_by_user_id', '36', true),
          epochMs('id_checked_at', true),
          bool('photo_consent', false),
          longText('photo', true),
          longText('escort_person_ids'),
          longText('items'),
          longText('items_at_signout', true),
          text('items_decision', '500', true),
          text('person_id', '36', true),
          text('card_id', '36', true),
          text('credential_kind', '16', true),
          text('credential', '100', true),
          epochMs('checked_in_at', true),
          text('checked_in_by_user_id', '36', true),
          epochMs('signed_out_at', true),
          text('signed_out_by_user_id', '36', true),
          text('signout_kind', '16', true),
          text('signout_reason', '500', true),
          epochMs('overstay_at', true),
          epochMs('anonymised_at', true),
          text('created_by_user_id', '36', true),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
      }),
    );
    await index('visits', 'idx_visits_status', ['status']);
    await index('visits', 'idx_visits_window_start', ['window_start']);
    await index('visits', 'idx_visits_host', ['host_person_id']);
    await index('visits', 'ux_visits_invitation_token', ['invitation_token'], true);
    await index('visits', 'idx_visits_card', ['card_id']);

    await queryRunner.createTable(
      new Table({
        name: 'watchlist_entries',
        columns: [
          uuidPk,
          text('name', '200'),
          text('list', '16'),
          text('reason', '500'),
          bool('active', true),
          text('created_by_user_id', '36', true),
          epochMs('created_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'visitor_pool_cards',
        columns: [
          { name: 'credential', type: 'varchar', length: '100', isPrimary: true },
          text('label', '40'),
          text('status', '16'),
          text('visit_id', '36', true),
          epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'person_presence',
        columns: [
          { name: 'person_id', type: 'varchar', length: '36', isPrimary: true },
          text('zone_id', '64', true),
          text('door_id', '64', true),
          epochMs('at'),
        ],
      }),
    );
    await index('person_presence', 'idx_presence_at', ['at']);
    await queryRunner.addColumns('site_settings', [new TableColumn({ name: 'reception', type: 'text', isNullable: true })]);

    await queryRunner.createTable(
      new Table({
        name: 'equipment',
        columns: [
          uuidPk,
          text('asset_tag', '64'),
          text('serial', '64', true),
          text('kind', '32'),
          text('description', '500'),
          text('owner_person_id', '36', true),
          text('home_zone_id', '64', true),
          bool('stores_data', false),
          text('status', '16'),
          epochMs('created_at'),
          epochMs('updated_at'),
        ],
      }),
    );
    await index('equipment', 'ux_equipment_asset_tag', ['asset_tag'], true);
    await queryRunner.createTable(
      new Table({
        name: 'gate_passes',
        columns: [
          uuidPk,
          text('number', '20'),
          text('equipment_id', '36'),
          text('type', '16'),
          text('reason', '500'),
          text('status', '16'),
          text('requested_by_user_id', '36'),
          epochMs('requested_at'),
          text('approved_by_user_id', '36', true),
          epochMs('decided_at', true),
          text('decision_note', '500', true),
          epochMs('valid_until'),
          epochMs('expected_return_at', true),
          text('data_handling', '16', true),
          text('data_handling_note', '500', true),
          epochMs('out_at', true),
          text('out_by_user_id', '36', true),
          epochMs('returned_at', true),
          text('returned_by_user_id', '36', true),
          epochMs('overdue_at', true),
        ],
      }),
    );
    await index('gate_passes', 'ux_gate_passes_number', ['number'], true);
    await index('gate_passes', 'idx_gate_passes_equipment', ['equipment_id']);
    await index('gate_passes', 'idx_gate_passes_status', ['status']);
    await queryRunner.createTable(
      new Table({
        name: 'seals',
        columns: [
          uuidPk,
          text('number', '64'),
          text('equipment_id', '36', true),
          text('location', '200', true),
          text('zone_id', '64', true),
          text('status', '16'),
          text('applied_by_user_id', '36', true),
          epochMs('applied_at'),
          epochMs('last_inspected_at', true),
          text('last_inspected_by_user_id', '36', true),
          text('replaced_by_seal_id', '36', true),
        ],
      }),
    );
    await index('seals', 'ux_seals_number', ['number'], true);
    await index('seals', 'idx_seals_equipment', ['equipment_id']);
    await queryRunner.createTable(
      new Table({
        name: 'equipment_movements',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          text('id', '36'),
          epochMs('at'),
          text('kind', '32'),
          text('equipment_id', '36', true),
          text('asset_tag', '64', true),
          longText('item_snapshot', true),
          text('pass_id', '36', true),
          text('seal_id', '36', true),
          text('zone_id', '64', true),
          text('person_id', '36', true),
          text('visit_id', '36', true),
          text('decision', '16', true),
          text('reason', '500', true),
          text('actor_user_id', '36', true),
        ],
      }),
    );
    await index('equipment_movements', 'ux_movements_id', ['id'], true);
    await index('equipment_movements', 'idx_movements_equipment', ['equipment_id', 'seq']);
    await index('equipment_movements', 'idx_movements_at', ['at']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'equipment_movements',
      'seals',
      'gate_passes',
      'equipment',
      'person_presence',
      'visitor_pool_cards',
      'watchlist_entries',
      'visits',
    ]) {
      await queryRunner.dropTable(name);
    }
    await queryRunner.dropColumn('site_settings', 'reception');
  }
}
