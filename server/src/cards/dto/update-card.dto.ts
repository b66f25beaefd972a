import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CARD_STATUSES, CARD_TYPES, type CardStatus, type CardType } from '@acs/shared/access/model';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';

/** Absent fields stay as they are; `null` clears a validity bound or the holder. */
export class UpdateCardDto {
  @IsOptional()
  @IsIn(CARD_STATUSES, { message: `status must be one of: ${CARD_STATUSES.join(', ')}` })
  status?: CardStatus;

  @IsOptional()
  @IsIn(CARD_TYPES, { message: `type must be one of: ${CARD_TYPES.join(', ')}` })
  type?: CardType;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  validFrom?: number | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  validUntil?: number | null;
}
