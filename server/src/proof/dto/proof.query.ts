import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';

export class ListRevocationsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class LeaversQuery {
  /** Departed at or after (epoch ms). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  from?: number;

  /** Departed before (epoch ms). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  to?: number;
}
