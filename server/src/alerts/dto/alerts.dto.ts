import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ListAlertsQuery {
  /** `active` (default): unacknowledged or still holding; `recent`: the last 200. */
  @IsOptional()
  @IsIn(['active', 'recent'], { message: 'scope must be one of: active, recent' })
  scope?: 'active' | 'recent';
}

export class AcknowledgeAlertDto {
  /** What the guard saw or did: kept with the alert and in the audit log. */
  @IsString({ message: 'note is required: say what you checked or did' })
  @MinLength(1, { message: 'note is required: say what you checked or did' })
  @MaxLength(500)
  note!: string;
}
