import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { REASON_CODES, type ReasonCode } from '@acs/shared/access/reason-codes';
import { PeriodQuery } from '../../common/period.query.js';

/** Period (`from` inclusive, `to` exclusive) and filters; newest first. */
export class ListEventsQuery extends PeriodQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** The `next` cursor of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;

  @IsOptional()
  @IsString()
  @MaxLength(63)
  doorId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  personId?: string;

  /** Decisions with this reason, e.g. `card_lost`: a lost card presented again (until the alerts module raises them). */
  @IsOptional()
  @IsIn(REASON_CODES, { message: 'reason must be a reason code such as card_lost or no_permission' })
  reason?: ReasonCode;

  /** Events in this zone (access decisions name the zone entered). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  zoneId?: string;

  /** Only access decisions (the access-history report). */
  @IsOptional()
  @IsIn(['access', 'door', 'device'])
  kind?: 'access' | 'door' | 'device';
}
