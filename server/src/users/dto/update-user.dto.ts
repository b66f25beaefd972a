import { IsBoolean, IsIn, IsOptional, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { USER_ROLES, type UserRole } from '@acs/shared/access/model';
import { HumanText } from '../../common/human-text.js';

export class UpdateUserDto {
  @IsOptional()
  @IsIn(USER_ROLES, { message: `role must be one of: ${USER_ROLES.join(', ')}` })
  role?: UserRole;

  /** A disabled account cannot sign in; its sessions and live connections end at once. */
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  displayName?: string;

  /** null unlinks the account from its person. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  personId?: string | null;
}
