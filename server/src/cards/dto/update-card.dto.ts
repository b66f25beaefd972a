import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CARD_STATUSES, CARD_TYPES, type CardStatus, type CardType } from '@acs/shared/access/model';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

/**
 * Absent fields stay as they are; `null` clears a validity bound, the holder or the
 * exception. A `status` goes through the lifecycle table exactly like a transition.
 */
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

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  levelCeilingOverride?: number | null;

  /** Designated for lockdown: keeps opening its doors (within its grants) during a lockdown. */
  @IsOptional()
  @IsBoolean({ message: 'lockdownAccess must be true or false' })
  lockdownAccess?: boolean;
}

/** `POST /api/cards/:id/transition`: one step of the lifecycle. */
export class CardTransitionDto {
  @IsIn(CARD_STATUSES, { message: `to must be one of: ${CARD_STATUSES.join(', ')}` })
  to!: CardStatus;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MinLength(1)
  @MaxLength(500)
  note?: string;
}

export class ListCardsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string;

  @IsOptional()
  @IsIn(CARD_STATUSES, { message: `status must be one of: ${CARD_STATUSES.join(', ')}` })
  status?: CardStatus;
}
