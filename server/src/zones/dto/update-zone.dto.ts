import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ANTI_PASSBACK_MODES, type AntiPassbackMode } from '@acs/shared/access/model';
import { HumanText } from '../../common/human-text.js';

/** Absent fields stay as they are; `parentId: null` makes a top-level zone; `ownerPersonId: null` clears the owner (L0/L1 only). */
export class UpdateZoneDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  level?: number;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  parentId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  ownerPersonId?: string | null;

  @IsOptional()
  @IsIn(ANTI_PASSBACK_MODES, { message: `antiPassback must be one of: ${ANTI_PASSBACK_MODES.join(', ')}` })
  antiPassback?: AntiPassbackMode;

  /** Two authorised people must badge together (default: on for L3 zones when created). */
  @IsOptional()
  @IsBoolean({ message: 'twoPerson must be true or false' })
  twoPerson?: boolean;
}
