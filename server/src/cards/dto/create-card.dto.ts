import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { CARD_TYPES, type CardType } from '@acs/shared/access/model';
import { CARD_NUMBER_FORMATS } from '@acs/shared/credentials/card-number';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { IsCredential } from '../../common/is-credential.validator.js';
import { HumanText } from '../../common/human-text.js';

export const normalizeCredential = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/**
 * `POST /api/cards` requests a card (status `requested`). The number is either the
 * canonical `credential` or a `cardNumber` as printed/read plus its `format`
 * (`123:4567` with `h10301`, `0003887558` with `em4100`).
 */
// `credential` is required unless a card number is given; `format` and `cardNumber` go together.
const noCardNumber = (o: { format?: unknown; cardNumber?: unknown }) => o.format === undefined && o.cardNumber === undefined;

export class CreateCardDto {
  @ValidateIf(noCardNumber)
  @Transform(normalizeCredential)
  @IsString()
  @MaxLength(100)
  @IsCredential()
  credential?: string;

  @ValidateIf((o: CreateCardDto) => o.cardNumber !== undefined || o.format !== undefined)
  @IsIn(CARD_NUMBER_FORMATS, { message: `format must be one of: ${CARD_NUMBER_FORMATS.join(', ')}` })
  format?: string;

  @ValidateIf((o: CreateCardDto) => o.format !== undefined || o.cardNumber !== undefined)
  @IsString()
  @MaxLength(100)
  cardNumber?: string;

  @IsIn(CARD_TYPES, { message: `type must be one of: ${CARD_TYPES.join(', ')}` })
  type!: CardType;

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

  /** A recorded exception lifting a contractor or temporary card above L2. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  levelCeilingOverride?: number | null;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  note?: string;
}

/** `POST /api/cards/:id/replacement`: a new card for the holder of a lost or destroyed one. */
export class ReplaceCardDto {
  @ValidateIf(noCardNumber)
  @Transform(normalizeCredential)
  @IsString()
  @MaxLength(100)
  @IsCredential()
  credential?: string;

  @ValidateIf((o: ReplaceCardDto) => o.cardNumber !== undefined || o.format !== undefined)
  @IsIn(CARD_NUMBER_FORMATS, { message: `format must be one of: ${CARD_NUMBER_FORMATS.join(', ')}` })
  format?: string;

  @ValidateIf((o: ReplaceCardDto) => o.format !== undefined || o.cardNumber !== undefined)
  @IsString()
  @MaxLength(100)
  cardNumber?: string;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  note?: string;
}
