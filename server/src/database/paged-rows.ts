import type { DataSource } from 'typeorm';

/**
 * Reading 100,000s of rows without holding the event loop: with better-sqlite3 a query runs on
 * the event loop, and one query over 100,000 cards held it for hundreds of milliseconds (at
 * most 50 ms at a time is the goal). The permission compiler's readers in the owning domains
 * share these.
 */

/** Rows per query, and items handled per turn of the event loop. */
export const READ_PAGE = 5_000;

export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows a page at a time, in key (`id`) order, with a turn of the event loop between pages. */
export async function readPaged(
  dataSource: DataSource,
  columns: string,
  table: string,
  where: string,
): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  const parameter = dataSource.options.type === 'postgres' ? '$1' : '?';
  let after: string | null = null;
  for (;;) {
    const page: Array<Record<string, unknown>> = await dataSource.query(
      `SELECT ${columns} FROM ${table} WHERE ${where}${after === null ? '' : ` AND id > ${parameter}`} ORDER BY id LIMIT ${READ_PAGE}`,
      after === null ? [] : [after],
    );
    for (const row of page) rows.push(row);
    if (page.length < READ_PAGE) return rows;
    after = String(page[page.length - 1]!.id);
    await nextTurn();
  }
}

/** `fn` over every item, {@link READ_PAGE} per turn of the event loop. */
export async function sliced<T>(items: readonly T[], fn: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    fn(items[i]!);
    if (i % READ_PAGE === READ_PAGE - 1) await nextTurn();
  }
}

/** bigint columns read as plain rows: numbers from SQLite, strings from PostgreSQL. */
export function epochOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
