import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PeriodQuery } from '../../common/period.query.js';

/** Entries in the period `from`–`to`, newest first. */
export class ListAuditQuery extends PeriodQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** The `next` cursor of the previous page (entries older than it). */
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'before must be the `next` cursor of a previous page' })
  before?: string;

  /** Table of the changed record, e.g. `cards`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  entityId?: string;

  /** Username of the person who acted. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  /** Exact action (`update`), or a prefix ending in a dot (`auth.`). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @IsOptional()
  @IsIn(['http', 'cli', 'system'])
  source?: 'http' | 'cli' | 'system';
}
