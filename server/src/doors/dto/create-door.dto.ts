import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsSlug } from '../../common/dto-rules.js';

export class CreateDoorDto {
  @IsOptional()
  @IsSlug()
  id?: string;

  @IsString()
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

  /** Lock release after a grant; at least 3 s (hardware.md, Doors). */
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
}
