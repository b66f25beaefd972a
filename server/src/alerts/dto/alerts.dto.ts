import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ALERT_SEVERITIES, ALERT_TYPES, type AlertSeverity } from '@acs/shared/api/alerts';
import type { AlertRulesView } from '@acs/shared/api/incidents';

export class RepeatedDenialsDto {
  @IsInt()
  @Min(2)
  @Max(100)
  count!: number;

  @IsInt()
  @Min(5)
  @Max(3600)
  windowSeconds!: number;
}

/** Zone level "0".."3" → alert type → severity or `off`. */
@ValidatorConstraint({ name: 'alertLevelRules' })
class AlertLevelRules implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (const [level, rules] of Object.entries(value)) {
      if (!['0', '1', '2', '3'].includes(level) || typeof rules !== 'object' || rules === null || Array.isArray(rules)) return false;
      for (const [type, severity] of Object.entries(rules as Record<string, unknown>)) {
        if (!(ALERT_TYPES as readonly string[]).includes(type)) return false;
        if (!([...ALERT_SEVERITIES, 'off'] as string[]).includes(String(severity))) return false;
      }
    }
    return true;
  }
  defaultMessage(): string {
    return `levels must map zone levels "0".."3" to { <alert type>: ${[...ALERT_SEVERITIES, 'off'].join(' | ')} } (alert types: ${ALERT_TYPES.join(', ')})`;
  }
}

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

/** `PUT /api/alerts/rules`: any subset; levels merge per level. */
export class AlertRulesDto {
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  escalateAfterSeconds?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(ALERT_SEVERITIES, { each: true, message: `escalateSeverities must be some of: ${ALERT_SEVERITIES.join(', ')}` })
  escalateSeverities?: AlertSeverity[];

  @IsOptional()
  @ValidateNested()
  @Type(() => RepeatedDenialsDto)
  repeatedDenials?: RepeatedDenialsDto;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  syncLagSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  clockDriftSeconds?: number;

  /** `{ "3": { "door_held_open": "critical" }, "0": { "door_held_prealarm": "off" } }` */
  @IsOptional()
  @IsObject()
  @Validate(AlertLevelRules)
  levels?: AlertRulesView['levels'];
}
