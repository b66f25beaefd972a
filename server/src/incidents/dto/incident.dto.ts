import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import {
  INCIDENT_CAUSES,
  INCIDENT_LEVELS,
  type IncidentCause,
  type IncidentLevel,
  VIOLATION_LEVELS,
  type ViolationLevel,
} from '@acs/shared/api/incidents';
import { HumanText } from '../../common/human-text.js';

const LEVEL_MESSAGE = 'level must be 1 (minor), 2 (serious) or 3 (critical)';

/** `POST /api/incidents`: a report typed by anyone. */
export class CreateIncidentDto {
  @HumanText()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(4000)
  description!: string;

  /** Staff set it; a report by an employee starts at 1 and staff raise it. */
  @IsOptional()
  @IsIn(INCIDENT_LEVELS, { message: LEVEL_MESSAGE })
  level?: IncidentLevel;

  @IsOptional()
  @IsIn(INCIDENT_CAUSES, { message: `cause must be one of: ${INCIDENT_CAUSES.join(', ')}` })
  cause?: IncidentCause;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  zoneId?: string;
}

/** `POST /api/alerts/:id/incident`: a guard escalates an alert. */
export class AlertToIncidentDto {
  @IsIn(INCIDENT_LEVELS, { message: LEVEL_MESSAGE })
  level!: IncidentLevel;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  title?: string;

  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MaxLength(4000)
  note?: string;
}

export class UpdateIncidentDto {
  @IsOptional()
  @IsIn(INCIDENT_LEVELS, { message: LEVEL_MESSAGE })
  level?: IncidentLevel;

  @IsOptional()
  @IsIn(['open', 'investigating'], { message: 'status must be open or investigating (close with POST …/close)' })
  status?: 'open' | 'investigating';

  @IsOptional()
  @IsString()
  @MaxLength(36)
  ownerUserId?: string;

  @IsOptional()
  @IsIn(INCIDENT_CAUSES, { message: `cause must be one of: ${INCIDENT_CAUSES.join(', ')}` })
  cause?: IncidentCause;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  zoneId?: string;
}

export class IncidentNoteDto {
  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(4000)
  text!: string;
}

export class CloseIncidentDto {
  @HumanText({ multiline: true })
  @MinLength(1, { message: 'outcome: record what the investigation found' })
  @MaxLength(4000)
  outcome!: string;

  @HumanText({ multiline: true })
  @MinLength(1, { message: 'correctiveActions: record what is done so it does not happen again' })
  @MaxLength(4000)
  correctiveActions!: string;

  /** What the reporter is told. */
  @HumanText({ multiline: true })
  @MinLength(1, { message: 'feedback: say what the reporter is told' })
  @MaxLength(4000)
  feedback!: string;
}

export class CreateViolationDto {
  @IsString()
  @MaxLength(36)
  personId!: string;

  @IsIn(VIOLATION_LEVELS, { message: 'level must be 1, 2, 3 or 4' })
  level!: ViolationLevel;

  @HumanText({ multiline: true })
  @MinLength(1)
  @MaxLength(2000)
  description!: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  incidentId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(36)
  alertId?: string;
}

export class ListViolationsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string;
}
