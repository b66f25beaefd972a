import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { PeriodQuery } from '../../common/period.query.js';

export class ListRevocationsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** People who departed in the period `from`–`to`. */
export class LeaversQuery extends PeriodQuery {}
