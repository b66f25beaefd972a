import { IsString, MaxLength, MinLength } from 'class-validator';

export class ChangePasswordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  current!: string;

  /** Checked against the password policy by the service (length, username, common passwords). */
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  next!: string;
}
