import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { DoorFailMode } from '@acs/shared/api/doors';
import { IsSlug } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export const DOOR_FAIL_MODES: readonly DoorFailMode[] = ['secure', 'safe'];

/** Absent fields stay as they are; `agentId: null` takes the door off its agent. */
export class UpdateDoorDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  fromZoneId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  toZoneId?: string;

  @IsOptional()
  @IsSlug()
  agentId?: string | null;

  /** Lock release after a grant; at least 3 s (docs/hardware.md#doors). */
  @IsOptional()
  @IsInt()
  @Min(3000)
  @Max(600_000)
  releaseMs?: number;

  @IsOptional()
  @IsInt()
  @Min(5000)
  @Max(3_600_000)
  heldOpenMs?: number;

  @IsOptional()
  @IsIn(DOOR_FAIL_MODES, { message: `failMode must be one of: ${DOOR_FAIL_MODES.join(', ')}` })
  failMode?: DoorFailMode;
}
