import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import type { ReviewDecision } from '@acs/shared/api/reviews';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export const REVIEW_DECISIONS: readonly ReviewDecision[] = ['keep', 'remove'];

export class StartReviewDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  /** Zones to review; absent: every L2 and L3 zone. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  zoneIds?: string[];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  dueAt?: number;
}

export class ReviewDecisionDto {
  @IsIn(REVIEW_DECISIONS, { message: `decision must be one of: ${REVIEW_DECISIONS.join(', ')}` })
  decision!: ReviewDecision;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(500)
  note?: string;
}
