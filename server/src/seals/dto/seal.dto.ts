import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { HumanText } from '../../common/human-text.js';
import { TAG, TAG_MESSAGE } from '../../equipment/dto/equipment.dto.js';

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
