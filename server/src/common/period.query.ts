import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { invalid } from './api-exception.js';
import { MAX_EPOCH_MS } from './dto-rules.js';

const DAY = 86_400_000;

/**
 * A period in a query string, epoch ms: `from` inclusive, `to` exclusive, both optional.
 * Queries with more filters extend it.
 */
export class PeriodQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  from?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  to?: number;
}

/** 400 when both ends are given and `to` comes before `from`. */
export function checkPeriodOrder(period: { from?: number | undefined; to?: number | undefined }): void {
  if (period.from !== undefined && period.to !== undefined && period.to < period.from) throw invalid('to must not be before from');
}

/** The period a query names: `to` defaults to `now`, `from` to `defaultDays` before `to`. */
export function resolvePeriod(query: PeriodQuery, defaultDays: number, now: number): { from: number; to: number } {
  const to = query.to ?? now;
  const period = { from: query.from ?? to - defaultDays * DAY, to };
  checkPeriodOrder(period);
  return period;
}
