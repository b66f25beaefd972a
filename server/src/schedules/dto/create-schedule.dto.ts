import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsSlug } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class ScheduleWindowDto {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days!: number[];

  @Matches(HHMM, { message: 'start must be HH:MM between 00:00 and 24:00' })
  start!: string;

  @Matches(HHMM, { message: 'end must be HH:MM between 00:00 and 24:00' })
  end!: string;
}

export class CreateScheduleDto {
  @IsOptional()
  @IsSlug()
  id?: string;

  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ScheduleWindowDto)
  windows!: ScheduleWindowDto[];

  @IsIn(['closed', 'normal'], { message: 'holidays must be "closed" or "normal"' })
  holidays!: 'closed' | 'normal';
}
