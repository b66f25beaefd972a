import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ANTI_PASSBACK_MODES, type AntiPassbackMode } from '@acs/shared/access/model';
import { IsSlug } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export class CreateZoneDto {
  /** Readable id (`machine-room`); generated when absent. */
  @IsOptional()
  @IsSlug()
  id?: string;

  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** 0 public … 3 restricted by default (docs/product-rules.md#zone-levels). */
  @IsInt()
  @Min(0)
  @Max(9)
  level!: number;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  parentId?: string | null;

  /** Required for L2 and above: the person who approves and reviews access. */
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
