import { IsIn } from 'class-validator';
import { LOCALES, type Locale } from '@acs/shared/api/views';

export class UpdateMeDto {
  @IsIn(LOCALES, { message: `locale must be one of: ${LOCALES.join(', ')}` })
  locale!: Locale;
}
