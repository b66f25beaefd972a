import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { DoorFailMode } from '@acs/shared/api/doors';
import { IsSlug } from '../../common/dto-rules.js';
import { DOOR_FAIL_MODES } from './update-door.dto.js';
import { HumanText } from '../../common/human-text.js';

export class CreateDoorDto {
  @IsOptional()
  @IsSlug()
  id?: string;

  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsString()
  @MaxLength(64)
  fromZoneId!: string;

  @IsString()
  @MaxLength(64)
  toZoneId!: string;

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

  /** Fail-secure (stays locked without power) unless given; the agent's configuration wires the relay. */
  @IsOptional()
  @IsIn(DOOR_FAIL_MODES, { message: `failMode must be one of: ${DOOR_FAIL_MODES.join(', ')}` })
  failMode?: DoorFailMode;
}
