import { IsIn, IsOptional, MaxLength, MinLength } from 'class-validator';
import type { PersonKind, PersonStatus } from '@acs/shared/api/people';
import { IsEmailAddress } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export const PERSON_KINDS: readonly PersonKind[] = ['employee', 'contractor', 'visitor'];
export const PERSON_STATUSES: readonly PersonStatus[] = ['active', 'departed'];

export class CreatePersonDto {
  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsIn(PERSON_KINDS, { message: `kind must be one of: ${PERSON_KINDS.join(', ')}` })
  kind!: PersonKind;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  department?: string | null;

  @IsOptional()
  @IsEmailAddress()
  @MaxLength(320)
  email?: string | null;
}
