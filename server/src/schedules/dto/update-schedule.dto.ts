import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ScheduleWindowDto } from './create-schedule.dto.js';
import { HumanText } from '../../common/human-text.js';

/** Absent fields stay as they are; `windows` replaces every window. */
export class UpdateScheduleDto {
  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ScheduleWindowDto)
  windows?: ScheduleWindowDto[];

  @IsOptional()
  @IsIn(['closed', 'normal'], { message: 'holidays must be "closed" or "normal"' })
  holidays?: 'closed' | 'normal';
}
