import { IsIn } from 'class-validator';
import { LOCALES, type Locale } from '@acs/shared/api/users';

export class UpdateMeDto {
  @IsIn(LOCALES, { message: `locale must be one of: ${LOCALES.join(', ')}` })
  locale!: Locale;
}
