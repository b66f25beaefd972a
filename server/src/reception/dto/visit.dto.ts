import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  ID_DOCUMENT_TYPES,
  type IdDocumentType,
  VISITOR_ITEM_KINDS,
  type VisitorItemKind,
  WATCHLIST_LISTS,
  type WatchlistList,
} from '@acs/shared/api/reception';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { PeriodQuery } from '../../common/period.query.js';
import { HumanText } from '../../common/human-text.js';

export class VisitorItemDto {
  @IsIn(VISITOR_ITEM_KINDS, { message: `kind must be one of: ${VISITOR_ITEM_KINDS.join(', ')}` })
  kind!: VisitorItemKind;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(200)
  description!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  serial?: string | null;
}

/** The identity document a guard checked: the number is hashed and masked, never stored. */
export class IdentityCheckDto {
  @IsIn(ID_DOCUMENT_TYPES, { message: `idDocumentType must be one of: ${ID_DOCUMENT_TYPES.join(', ')}` })
  idDocumentType!: IdDocumentType;

  @IsString()
  @Matches(/^[0-9A-Za-z\s-]{4,40}$/, { message: 'idNumber must be 4 to 40 letters and digits (spaces and dashes allowed)' })
  idNumber!: string;
}

/** `POST /api/visits` (host pre-registers) and `POST /api/visits/walk-in` (guard at the counter). */
export class CreateVisitDto {
  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  visitorName!: string;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  visitorCompany?: string | null;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9+()\s-]{3,40}$/, { message: 'visitorPhone must be digits, spaces, + - ( ) (3 to 40)' })
  visitorPhone?: string | null;

  /** The employee visited; an employee pre-registering may leave it out (themselves). */
  @IsOptional()
  @IsString()
  @MaxLength(36)
  hostPersonId?: string;

  @HumanText()
  @MinLength(1)
  @MaxLength(500)
  purpose!: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'zoneIds: name at least one zone the visit needs' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  zoneIds!: string[];

  /** Walk-ins: absent means now. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  windowStart?: number;

  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  windowEnd!: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(36, { each: true })
  escortPersonIds?: string[];

  /** A walk-in's document may be checked at registration already. */
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentityCheckDto)
  identity?: IdentityCheckDto;
}

export class DecisionDto {
  @IsIn(['approved', 'denied'], { message: 'decision must be approved or denied' })
  decision!: 'approved' | 'denied';

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  note?: string;
}

export class WatchlistDecisionDto {
  @IsIn(['allowed', 'refused'], { message: 'decision must be allowed or refused' })
  decision!: 'allowed' | 'refused';

  @HumanText({ multiline: true })
  @MinLength(1, { message: 'note: a supervisor records why' })
  @MaxLength(500)
  note!: string;
}

export class CheckInDto {
  /** A visitor pool card, as read by the terminal's reader or typed (10-digit EM number, FC:CN, UID hex). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cardNumber?: string;

  /** Use the invitation's QR code as the credential instead of a pool card. */
  @IsOptional()
  @IsBoolean()
  useQr?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => IdentityCheckDto)
  identity?: IdentityCheckDto;

  /** The visitor agreed to a photo being kept; the photo itself is uploaded with PUT /api/visits/:id/photo. */
  @IsOptional()
  @IsBoolean()
  photoConsent?: boolean;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => VisitorItemDto)
  items?: VisitorItemDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(36, { each: true })
  escortPersonIds?: string[];
}

export class SignOutDto {
  /** The items the visitor leaves with; absent: as registered (the guard checked them). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => VisitorItemDto)
  items?: VisitorItemDto[];

  /** Required when the items differ: what the guard decided and why. */
  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MinLength(1)
  @MaxLength(500)
  itemsDecision?: string;
}

/** `from`/`to` bound the history scope (visits whose window starts in the period). */
export class ListVisitsQuery extends PeriodQuery {
  @IsOptional()
  @IsIn(['today', 'active', 'pending', 'history', 'mine'])
  scope?: 'today' | 'active' | 'pending' | 'history' | 'mine';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class CreateWatchlistEntryDto {
  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsIn(WATCHLIST_LISTS, { message: `list must be one of: ${WATCHLIST_LISTS.join(', ')}` })
  list!: WatchlistList;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class UpdateWatchlistEntryDto {
  @IsBoolean()
  active!: boolean;
}

export class CreatePoolCardDto {
  /** As typed or scanned: 10-digit EM number, FC:CN (H10301), or UID hex. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  cardNumber!: string;

  @HumanText()
  @MinLength(1)
  @MaxLength(40)
  label!: string;
}

export class ReceptionSettingsDto {
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'endOfDay must be HH:MM (24-hour)' })
  endOfDay?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;
}
