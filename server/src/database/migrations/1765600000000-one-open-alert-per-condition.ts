import type { MigrationInterface, QueryRunner } from 'typeorm';
import { table } from './migration-sql.js';

// See 1764000000000-initial-schema.ts for the conventions. At most one open alert per
// condition (dedupe key): the alerts service folds occurrences into it, and with several
// server instances two of them raising the same condition at once must not open two.
export class OneOpenAlertPerCondition1765600000000 implements MigrationInterface {
  name = 'OneOpenAlertPerCondition1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const alerts = table(queryRunner, 'alerts');
    // Keep the newest open alert of a condition should an older database hold two.
    await queryRunner.query(
      `UPDATE ${alerts} SET status = 'acknowledged' WHERE status = 'open' AND EXISTS ` +
        `(SELECT 1 FROM ${alerts} later WHERE later.dedupe_key = ${alerts}.dedupe_key AND later.status = 'open' AND (later.first_at > ${alerts}.first_at OR (later.first_at = ${alerts}.first_at AND later.id > ${alerts}.id)))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX ux_alerts_open_key ON ${alerts} (dedupe_key) WHERE status = 'open'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX ${queryRunner.connection.driver.options.type === 'postgres' ? `${table(queryRunner, 'alerts').split('.')[0]}.` : ''}ux_alerts_open_key`,
    );
  }
}
