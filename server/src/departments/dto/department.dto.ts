import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { HumanText } from '../../common/human-text.js';

export class DepartmentZoneDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  zoneId!: string;

  /** Absent or null: at any time. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  scheduleId?: string | null;
}

export class CreateDepartmentDto {
  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DepartmentZoneDto)
  defaultZones?: DepartmentZoneDto[];
}

/** Absent fields stay; a new name is carried to every member; `defaultZones` replaces the list (for future joiners and movers). */
export class UpdateDepartmentDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DepartmentZoneDto)
  defaultZones?: DepartmentZoneDto[];
}
