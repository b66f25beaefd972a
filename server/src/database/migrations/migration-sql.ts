import type { QueryRunner } from 'typeorm';

/** Helpers for the hand-written SQL of migrations that must run on both drivers. */
export function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.dataSource.driver.options.type === 'postgres';
}

/** `"schema"."table"` on PostgreSQL (tests and deployments may use a schema other than public). */
export function table(queryRunner: QueryRunner, name: string): string {
  if (!isPostgres(queryRunner)) return `"${name}"`;
  const schema = (queryRunner.dataSource.driver as { schema?: string }).schema ?? 'public';
  return `"${schema}"."${name}"`;
}
