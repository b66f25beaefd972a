import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isPostgres, table } from './migration-sql.js';

// See 1764000000000-initial-schema.ts for the conventions. The socket.io
// PostgreSQL adapter (realtime.gateway.ts) carries live pushes between server instances
// with NOTIFY; a payload over NOTIFY's 8000-byte limit goes through this table, in the
// layout the adapter's documentation gives. SQLite runs one instance and needs none.
export class SocketIoAttachments1765400000000 implements MigrationInterface {
  name = 'SocketIoAttachments1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isPostgres(queryRunner)) return;
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS ${table(queryRunner, 'socket_io_attachments')} (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isPostgres(queryRunner)) return;
    await queryRunner.query(`DROP TABLE IF EXISTS ${table(queryRunner, 'socket_io_attachments')}`);
  }
}
