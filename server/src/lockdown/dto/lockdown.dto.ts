import { IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { HumanText } from '../../common/human-text.js';

export const LOCKDOWN_SCOPES = ['site', 'zone'] as const;
export type LockdownScope = (typeof LOCKDOWN_SCOPES)[number];

/** `POST /api/lockdown/start` and `/end`: the whole site, or one zone (and the zones inside it). */
export class LockdownCommandDto {
  @IsIn(LOCKDOWN_SCOPES, { message: `scope must be one of: ${LOCKDOWN_SCOPES.join(', ')}` })
  scope!: LockdownScope;

  @ValidateIf((o: LockdownCommandDto) => o.scope === 'zone')
  @IsString({ message: 'zoneId is required for a zone lockdown' })
  @MinLength(1)
  @MaxLength(64)
  zoneId?: string;

  /** Why: kept in the audit log and shown to every guard. Required to start, optional to end. */
  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}
