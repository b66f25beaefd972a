import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { AccessRequestStatus } from '@acs/shared/api/access-requests';
import { MAX_EPOCH_MS } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export const ACCESS_REQUEST_STATUSES: readonly AccessRequestStatus[] = ['pending', 'approved', 'refused', 'cancelled'];
export const ACCESS_REQUEST_SCOPES = ['mine', 'to-decide', 'all'] as const;
export type AccessRequestScope = (typeof ACCESS_REQUEST_SCOPES)[number];

export class CreateAccessRequestDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  zoneId!: string;

  /** Absent or null: at any time. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  scheduleId?: string | null;

  /** End of the permission asked for; absent or null: no end. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  until?: number | null;

  @HumanText({ multiline: true })
  @MinLength(3)
  @MaxLength(500)
  reason!: string;

  /** Admins may file a request for someone else; employees always ask for themselves. */
  @IsOptional()
  @IsString()
  @MaxLength(36)
  personId?: string;
}

export class DecideAccessRequestDto {
  /** Required to refuse; optional to approve. */
  @IsOptional()
  @HumanText({ multiline: true, allowEmpty: true })
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}

export class ListAccessRequestsQuery {
  @IsOptional()
  @IsIn(ACCESS_REQUEST_STATUSES, { message: `status must be one of: ${ACCESS_REQUEST_STATUSES.join(', ')}` })
  status?: AccessRequestStatus;

  /** `mine`: my requests; `to-decide`: requests for zones I own; `all` (default): everything I may see. */
  @IsOptional()
  @IsIn(ACCESS_REQUEST_SCOPES, { message: `scope must be one of: ${ACCESS_REQUEST_SCOPES.join(', ')}` })
  scope?: AccessRequestScope;
}
