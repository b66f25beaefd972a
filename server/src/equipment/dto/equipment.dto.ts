import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DATA_HANDLING, type DataHandling, EQUIPMENT_KINDS, type EquipmentKind, GATE_PASS_STATUSES, GATE_PASS_TYPES, type GatePassStatus, type GatePassType } from '@acs/shared/api/equipment';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

const TAG = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const TAG_MESSAGE = (field: string) => `${field} must be 1-64 letters, digits, . _ / -`;

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

export class CreateGatePassDto {
  @Matches(TAG, { message: TAG_MESSAGE('assetTag') })
  assetTag!: string;

  @IsIn(GATE_PASS_TYPES, { message: `type must be one of: ${GATE_PASS_TYPES.join(', ')}` })
  type!: GatePassType;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  /** Until when the pass may be used at the checkpoint; default: 7 days. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  validUntil?: number;

  /** Required for returnable and repair passes. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  expectedReturnAt?: number;

  @IsOptional()
  @IsIn(DATA_HANDLING, { message: `dataHandling must be one of: ${DATA_HANDLING.join(', ')}` })
  dataHandling?: DataHandling;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  dataHandlingNote?: string;
}

export class DecideGatePassDto {
  @IsIn(['approved', 'rejected'], { message: 'decision must be approved or rejected' })
  decision!: 'approved' | 'rejected';

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  note?: string;
}

export class RecordDataHandlingDto {
  @IsIn(DATA_HANDLING, { message: `dataHandling must be one of: ${DATA_HANDLING.join(', ')}` })
  dataHandling!: DataHandling;

  @HumanText({ multiline: true })
  @MinLength(1, { message: 'note: say how (wipe tool and report number, or where the disk is kept)' })
  @MaxLength(500)
  note!: string;
}

export class CheckpointDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  assetTag!: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  passNumber?: string;

  @IsIn(['out', 'in'], { message: 'direction must be out or in' })
  direction!: 'out' | 'in';
}

export class ReturnToServiceDto {
  @IsIn(['intact', 'tamper_free'], { message: 'check must be intact (seals intact) or tamper_free (no seal; inspected for tampering)' })
  check!: 'intact' | 'tamper_free';

  @HumanText({ multiline: true })
  @MinLength(1, { message: 'note: record what was inspected' })
  @MaxLength(500)
  note!: string;
}

export class ApplySealDto {
  @Matches(TAG, { message: TAG_MESSAGE('number') })
  number!: string;

  @IsOptional()
  @Matches(TAG, { message: TAG_MESSAGE('assetTag') })
  assetTag?: string;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  location?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  zoneId?: string;
}

export class InspectSealDto {
  @IsIn(['intact', 'broken'], { message: 'result must be intact or broken' })
  result!: 'intact' | 'broken';

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  note?: string;
}

export class ReplaceSealDto {
  @Matches(TAG, { message: TAG_MESSAGE('newNumber') })
  newNumber!: string;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(500)
  note!: string;
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

export class ListGatePassesQuery {
  @IsOptional()
  @IsIn(GATE_PASS_STATUSES)
  status?: GatePassStatus;
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
