import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ListGrantsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  zoneId?: string;
}
