import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { HumanText } from '../../common/human-text.js';

export class HolidayDto {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date!: string;

  @HumanText()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

/**
 * Absent fields stay as they are. `holidays` replaces the calendar; `levelNames` and
 * `cardTypes` merge into the current settings (checked by the service, which names the
 * path of every problem).
 */
export class UpdateSiteDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  /** IANA time zone, e.g. `Asia/Shanghai`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(366)
  @ValidateNested({ each: true })
  @Type(() => HolidayDto)
  holidays?: HolidayDto[];

  /** Level number (0-9) → name; an empty name restores the default. */
  @IsOptional()
  @IsObject()
  levelNames?: Record<string, unknown>;

  /** Card type → `{ ceiling?, validityDays? }`. */
  @IsOptional()
  @IsObject()
  cardTypes?: Record<string, unknown>;

  /** `{ escortWindowSec?, twoPersonWindowSec?, offlineLimitHours?: { type: hours | null } }`, merged. */
  @IsOptional()
  @IsObject()
  doorRules?: Record<string, unknown>;
}
