import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { placeholder, quotedTable } from './raw-sql.js';

/** A period (and, when it names one, a person) whose records retention must keep. */
export interface RetentionHold {
  personId: string | null;
  periodFrom: number;
  periodTo: number;
}

/** How one table ages: the time column, the person column a hold can name, and what may never go. */
export interface AgedRowsSpec {
  time: string;
  person: string | null;
  /** SQL appended to the age condition, starting with ` AND`. */
  extra: string;
}

/** What one purge deleted, and how many aged rows a hold kept. */
export interface PurgeCount {
  deleted: number;
  held: number;
}

/**
 * Deletes the table's rows older than `cutoff` unless a hold covers them, in one transaction;
 * `beforeDelete` removes rows that hang off the doomed ones inside it (given the condition
 * on the table and its parameters). The owning domain's repository names its own table here.
 */
export async function purgeAgedRows(
  table: Repository<ObjectLiteral>,
  spec: AgedRowsSpec,
  cutoff: number,
  holds: readonly RetentionHold[],
  beforeDelete?: (manager: EntityManager, doomed: string, params: unknown[]) => Promise<void>,
): Promise<PurgeCount> {
  const ds = table.manager.connection;
  const name = quotedTable(ds, table.target);
  const params: unknown[] = [cutoff];
  const p = () => placeholder(ds, params.length);
  const aged = `${spec.time} IS NOT NULL AND ${spec.time} < ${p()}${spec.extra}`;
  const exclusions = holds
    .filter((h) => h.personId === null || spec.person !== null)
    .map((h) => {
      params.push(h.periodFrom);
      const fromP = p();
      params.push(h.periodTo);
      const toP = p();
      if (h.personId === null) return `(${spec.time} BETWEEN ${fromP} AND ${toP})`;
      params.push(h.personId);
      return `(${spec.time} BETWEEN ${fromP} AND ${toP} AND ${spec.person} = ${p()})`;
    });
  const keep = exclusions.length ? ` AND NOT (${exclusions.join(' OR ')})` : '';
  const [{ n: agedCount }] = await ds.query<[{ n: number | string }]>(
    `SELECT COUNT(*) AS n FROM ${name} WHERE ${aged}`,
    params.slice(0, 1),
  );
  await ds.transaction(async (m) => {
    if (beforeDelete) await beforeDelete(m, `${aged}${keep}`, params);
    await m.query(`DELETE FROM ${name} WHERE ${aged}${keep}`, params);
  });
  const [{ n: left }] = await ds.query<[{ n: number | string }]>(`SELECT COUNT(*) AS n FROM ${name} WHERE ${aged}`, params.slice(0, 1));
  return { deleted: Number(agedCount) - Number(left), held: Number(left) };
}
