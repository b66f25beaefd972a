import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';

export class CreateGrantDto {
  @IsString()
  @MinLength(1)
  @MaxLength(36)
  personId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  zoneId!: string;

  /** Absent or null: at any time. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  scheduleId?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  validUntil?: number | null;
}
