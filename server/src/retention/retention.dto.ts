import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { MAX_EPOCH_MS } from '../common/dto-rules.js';

const DAYS = (field: string) => ({ message: `${field} is a number of days (30 to 36500) or null to keep for ever` });

/** Days per record type; null keeps for ever. At least 30 days: retention is not a delete button. */
export class RetentionSettingsDto {
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt(DAYS('events'))
  @Min(30, DAYS('events'))
  @Max(36_500, DAYS('events'))
  events?: number | null;

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt(DAYS('alerts'))
  @Min(30, DAYS('alerts'))
  @Max(36_500, DAYS('alerts'))
  alerts?: number | null;

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt(DAYS('incidents'))
  @Min(30, DAYS('incidents'))
  @Max(36_500, DAYS('incidents'))
  incidents?: number | null;

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt(DAYS('movements'))
  @Min(30, DAYS('movements'))
  @Max(36_500, DAYS('movements'))
  movements?: number | null;
}

export class CreateLegalHoldDto {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string;

  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  periodFrom!: number;

  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  periodTo!: number;
}
