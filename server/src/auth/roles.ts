import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { USER_ROLES, type UserRole } from '@acs/shared/access/model';
import type { UserView } from '@acs/shared/api/users';

export const PUBLIC_KEY = 'acs:public';
export const ROLES_KEY = 'acs:roles';
export const SELF_SERVICE_KEY = 'acs:self-service';

/** Every role. */
export const ANY_ROLE: readonly UserRole[] = USER_ROLES;
/** Roles that read everything site-wide (auditors read, never change). */
export const STAFF: readonly UserRole[] = ['admin', 'guard', 'auditor'];
export const ADMIN: readonly UserRole[] = ['admin'];
/** Who reads the audit log and verifies its chain. */
export const AUDIT_READERS: readonly UserRole[] = ['admin', 'auditor'];

/** The route needs no sign-in (only login and health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * The route changes only the caller's own session or account (sign-out, own language, own
 * password), so read-only roles may use it: auditors are refused every other write.
 */
export const SelfService = () => SetMetadata(SELF_SERVICE_KEY, true);

/** Roles allowed on the route. A route without it is refused: the guard fails closed. */
export const Roles = (roles: readonly UserRole[]) => SetMetadata(ROLES_KEY, roles);

/** Who made the request, set by the auth guard. */
export interface AuthContext {
  user: UserView;
  /** SHA-256 of the bearer token: the session's key. */
  sessionId: string;
}

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  socket?: { remoteAddress?: string };
  method?: string;
  url?: string;
  auth?: AuthContext;
}

export const CurrentAuth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a route the auth guard did not run for');
  return auth;
});

export const ClientIp = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
});
