import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CARD_STATUSES, CARD_TYPES, type CardStatus, type CardType } from '@acs/shared/access/model';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { IsCredential } from '../../common/is-credential.validator.js';

export const normalizeCredential = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateCardDto {
  @Transform(normalizeCredential)
  @IsString()
  @MaxLength(100)
  @IsCredential()
  credential!: string;

  @IsIn(CARD_TYPES, { message: `type must be one of: ${CARD_TYPES.join(', ')}` })
  type!: CardType;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string | null;

  /** Defaults to `active`. */
  @IsOptional()
  @IsIn(CARD_STATUSES, { message: `status must be one of: ${CARD_STATUSES.join(', ')}` })
  status?: CardStatus;

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
