import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

/**
 * Every timestamp is stored as epoch milliseconds in a `bigint` column: the same on
 * SQLite and PostgreSQL, free of time-zone interpretation by either database or
 * driver, cheap to index and to compare. PostgreSQL returns bigint as a string, so the
 * transformer turns it back into a number (safe up to year 287,396).
 */
export const epochMsTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

export function EpochMsColumn(name: string, options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ name, type: 'bigint', nullable: options.nullable ?? false, transformer: epochMsTransformer });
}

/** A bigint counter (sequence numbers), returned as a number. */
export function BigIntColumn(name: string, options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ name, type: 'bigint', nullable: options.nullable ?? false, transformer: epochMsTransformer });
}

/** Column lengths shared by entities and migrations, so both always agree. */
export const LEN = {
  uuid: '36',
  slug: '63',
  zoneId: '64',
  ref: '64',
  name: '200',
  short: '16',
  hash: '64',
  secretHash: '255',
  credential: '100',
  detail: '500',
  email: '320',
} as const;
