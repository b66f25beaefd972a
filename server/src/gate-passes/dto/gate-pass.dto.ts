import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  DATA_HANDLING,
  type DataHandling,
  GATE_PASS_STATUSES,
  GATE_PASS_TYPES,
  type GatePassStatus,
  type GatePassType,
} from '@acs/shared/api/equipment';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';
import { TAG, TAG_MESSAGE } from '../../equipment/dto/equipment.dto.js';

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

export class ListGatePassesQuery {
  @IsOptional()
  @IsIn(GATE_PASS_STATUSES)
  status?: GatePassStatus;
}
