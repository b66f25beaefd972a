import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { EQUIPMENT_KINDS, type EquipmentKind } from '@acs/shared/api/equipment';
import { HumanText } from '../../common/human-text.js';

export const TAG = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
export const TAG_MESSAGE = (field: string) => `${field} must be 1-64 letters, digits, . _ / -`;

export class CreateEquipmentDto {
  @Matches(TAG, { message: TAG_MESSAGE('assetTag') })
  assetTag!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  serial?: string | null;

  @IsIn(EQUIPMENT_KINDS, { message: `kind must be one of: ${EQUIPMENT_KINDS.join(', ')}` })
  kind!: EquipmentKind;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(500)
  description!: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  ownerPersonId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  homeZoneId?: string | null;

  @IsOptional()
  @IsBoolean()
  storesData?: boolean;
}

export class UpdateEquipmentDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  serial?: string | null;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MinLength(1)
  @MaxLength(500)
  description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  ownerPersonId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  homeZoneId?: string | null;

  @IsOptional()
  @IsBoolean()
  storesData?: boolean;
}

export class MediaCheckDto {
  /** The medium's asset tag when it has one; absent: unregistered. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  assetTag?: string;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(200)
  description!: string;

  @IsString()
  @MaxLength(64)
  zoneId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  visitId?: string;
}

export class ListMovementsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(36)
  equipmentId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
