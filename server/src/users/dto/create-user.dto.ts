import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { USER_ROLES, type UserRole } from '@acs/shared/access/model';
import { LOCALES, type Locale } from '@acs/shared/api/users';
import { HumanText } from '../../common/human-text.js';

export class CreateUserDto {
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$/, {
    message: 'username must be 2-64 characters: letters, digits, dot, dash or underscore',
  })
  username!: string;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  displayName?: string;

  @IsIn(USER_ROLES, { message: `role must be one of: ${USER_ROLES.join(', ')}` })
  role!: UserRole;

  /** Checked against the password policy (length, username, common passwords). */
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;

  /** The person this account belongs to; employees see their own data through it. */
  @IsOptional()
  @IsUUID()
  personId?: string;

  @IsOptional()
  @IsIn(LOCALES, { message: `locale must be one of: ${LOCALES.join(', ')}` })
  locale?: Locale;
}
