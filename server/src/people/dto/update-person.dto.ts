import { IsIn, IsOptional, MaxLength, MinLength } from 'class-validator';
import type { PersonKind, PersonStatus } from '@acs/shared/api/people';
import { PERSON_KINDS, PERSON_STATUSES } from './create-person.dto.js';
import { IsEmailAddress } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export class UpdatePersonDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsIn(PERSON_KINDS, { message: `kind must be one of: ${PERSON_KINDS.join(', ')}` })
  kind?: PersonKind;

  /** A department by name; a change is a move (see PeopleService). null: no department. */
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  department?: string | null;

  @IsOptional()
  @IsEmailAddress()
  @MaxLength(320)
  email?: string | null;

  /** `departed` revokes every card and grant of the person at once (the leaver rule). */
  @IsOptional()
  @IsIn(PERSON_STATUSES, { message: `status must be one of: ${PERSON_STATUSES.join(', ')}` })
  status?: PersonStatus;
}
