import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** The quoted (schema-qualified on PostgreSQL) table name of an entity, for hand-written SQL. */
export function quotedTable(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): string {
  const metadata = dataSource.getMetadata(entity);
  const driver = dataSource.driver;
  const schema = driver.options.type === 'postgres' ? (metadata.schema ?? (driver as { schema?: string }).schema) : undefined;
  return schema ? `${driver.escape(schema)}.${driver.escape(metadata.tableName)}` : driver.escape(metadata.tableName);
}

/** Placeholder of the n-th (1-based) parameter: `$n` on PostgreSQL, `?` on SQLite. */
export function placeholder(dataSource: DataSource, n: number): string {
  return dataSource.driver.options.type === 'postgres' ? `$${n}` : '?';
}

/**
 * Rows of an `UPDATE … RETURNING` run through `DataSource.query`: PostgreSQL's driver gives
 * `[rows, affected]`, better-sqlite3 the rows.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

/** Runs hand-written SQL with `:name` parameters, written the same for both drivers. */
export function namedQuery(dataSource: DataSource, sql: string, parameters: Record<string, unknown>): Promise<unknown> {
  const [text, values] = dataSource.driver.escapeQueryWithParameters(sql, parameters);
  return dataSource.query(text, values);
}
