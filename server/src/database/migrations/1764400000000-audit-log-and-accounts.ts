import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

// See 1764000000000-initial-schema.ts for the conventions (Table API, literal lengths,
// epoch-millisecond bigint timestamps). Triggers have no Table API: they are written once
// per dialect below.

const GENESIS_HASH = '0'.repeat(64);

function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.dataSource.driver.options.type === 'postgres';
}

/** `"schema"."table"` on PostgreSQL (tests and deployments may use a schema other than public). */
function table(queryRunner: QueryRunner, name: string): string {
  if (!isPostgres(queryRunner)) return `"${name}"`;
  const schema = (queryRunner.dataSource.driver as { schema?: string }).schema ?? 'public';
  return `"${schema}"."${name}"`;
}

export class AuditLogAndAccounts1764400000000 implements MigrationInterface {
  name = 'AuditLogAndAccounts1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          { name: 'at', type: 'bigint', isNullable: false },
          { name: 'actor_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'actor_username', type: 'varchar', length: '64', isNullable: true },
          { name: 'actor_role', type: 'varchar', length: '16', isNullable: true },
          { name: 'source', type: 'varchar', length: '16', isNullable: false },
          { name: 'action', type: 'varchar', length: '64', isNullable: false },
          { name: 'entity_type', type: 'varchar', length: '64', isNullable: true },
          { name: 'entity_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'before_state', type: 'text', isNullable: true },
          { name: 'after_state', type: 'text', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'detail', type: 'varchar', length: '500', isNullable: true },
          { name: 'prev_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'hash', type: 'varchar', length: '64', isNullable: false },
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_log_at', columnNames: ['at'] }),
          new TableIndex({ name: 'ix_audit_log_entity', columnNames: ['entity_type', 'entity_id'] }),
          new TableIndex({ name: 'ix_audit_log_actor', columnNames: ['actor_user_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_chain_head',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'last_seq', type: 'bigint', isNullable: false },
          { name: 'last_hash', type: 'varchar', length: '64', isNullable: false },
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO ${table(queryRunner, 'audit_chain_head')} (id, last_seq, last_hash) VALUES (1, 0, '${GENESIS_HASH}')`,
    );

    // SQLite keeps booleans as 0/1 and TypeORM compares defaults in that form.
    const no = isPostgres(queryRunner) ? false : 0;
    await queryRunner.addColumn('users', new TableColumn({ name: 'disabled', type: 'boolean', isNullable: false, default: no }));

    if (isPostgres(queryRunner)) await this.postgresTriggers(queryRunner);
    else await this.sqliteTriggers(queryRunner);
  }

  /**
   * The database itself keeps the log append-only and the chain linked: UPDATE, DELETE and
   * TRUNCATE are refused, and an insert must carry the next sequence number and the head's
   * hash (which also locks the head row until the inserting transaction ends).
   */
  private async postgresTriggers(queryRunner: QueryRunner): Promise<void> {
    const log = table(queryRunner, 'audit_log');
    const head = table(queryRunner, 'audit_chain_head');
    const schema = (queryRunner.dataSource.driver as { schema?: string }).schema ?? 'public';
    const fn = (name: string) => `"${schema}"."${name}"`;
    await queryRunner.query(`
      CREATE FUNCTION ${fn('acs_audit_log_refuse_change')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION ${fn('acs_audit_log_link')}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash varchar(64);
      BEGIN
        SELECT last_seq, last_hash INTO head_seq, head_hash FROM ${head} WHERE id = 1 FOR UPDATE;
        IF NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
          RAISE EXCEPTION 'audit_log: entry % does not extend the chain at %', NEW.seq, head_seq USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        UPDATE ${head} SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_log_refuse_change BEFORE UPDATE OR DELETE ON ${log} FOR EACH ROW EXECUTE FUNCTION ${fn('acs_audit_log_refuse_change')}()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_log_refuse_truncate BEFORE TRUNCATE ON ${log} FOR EACH STATEMENT EXECUTE FUNCTION ${fn('acs_audit_log_refuse_change')}()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_log_link BEFORE INSERT ON ${log} FOR EACH ROW EXECUTE FUNCTION ${fn('acs_audit_log_link')}()`,
    );
  }

  private async sqliteTriggers(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END`,
    );
    await queryRunner.query(`
      CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log
      WHEN NEW.seq <> (SELECT last_seq FROM audit_chain_head WHERE id = 1) + 1
        OR NEW.prev_hash <> (SELECT last_hash FROM audit_chain_head WHERE id = 1)
      BEGIN SELECT RAISE(ABORT, 'audit_log: entry does not extend the chain'); END`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_advance_head AFTER INSERT ON audit_log
      BEGIN UPDATE audit_chain_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1; END`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isPostgres(queryRunner)) {
      const schema = (queryRunner.dataSource.driver as { schema?: string }).schema ?? 'public';
      await queryRunner.dropTable('audit_log');
      await queryRunner.query(`DROP FUNCTION IF EXISTS "${schema}"."acs_audit_log_refuse_change"()`);
      await queryRunner.query(`DROP FUNCTION IF EXISTS "${schema}"."acs_audit_log_link"()`);
    } else {
      await queryRunner.dropTable('audit_log');
    }
    await queryRunner.dropTable('audit_chain_head');
    await queryRunner.dropColumn('users', 'disabled');
  }
}
