import type { MigrationInterface, QueryRunner } from 'typeorm';
import { table } from './migration-sql.js';

// See 1764000000000-initial-schema.ts for the conventions. Agents report how many
// events wait in their outbox; it is kept in the database so that every server instance
// exports the same value to Prometheus, whichever instance received the agent's state.
export class AgentOutboxDepth1765500000000 implements MigrationInterface {
  name = 'AgentOutboxDepth1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${table(queryRunner, 'agents')} ADD COLUMN outbox_depth integer NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${table(queryRunner, 'agents')} DROP COLUMN outbox_depth`);
  }
}
