import { type CanActivate, type ExecutionContext, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from '@acs/shared/access/model';
import { ApiException, forbidden } from '../common/api-exception.js';
import { setRequestUser } from '../common/server-logger.js';
import { AuthService } from './auth.service.js';
import { type AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY, SELF_SERVICE_KEY } from './roles.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()`, and
 * the signed-in role must be one the route's `@Roles(...)` lists. A route without
 * `@Roles` is refused, so a forgotten decorator cannot open a route to everyone. Auditors
 * are refused every write except `@SelfService()` routes.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw new ApiException(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Sign in first: send Authorization: Bearer <token>');
    }
    const auth = await this.auth.authenticate(match[1]!);
    if (!auth) {
      throw new ApiException(HttpStatus.UNAUTHORIZED, 'unauthorized', 'The session is unknown or has expired; sign in again');
    }
    req.auth = auth;
    setRequestUser(auth.user);

    const roles = this.reflector.getAllAndOverride<readonly UserRole[] | undefined>(ROLES_KEY, targets);
    if (!roles) {
      this.logger.error(`${req.method} ${(req.url ?? '').split('?')[0]} has no @Roles policy; refusing`);
      throw forbidden('This route has no role policy');
    }
    if (!roles.includes(auth.user.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}; you are ${auth.user.role}`);
    }
    // Auditors read everything and change nothing (docs/security.md#authentication-and-roles), whatever a route's
    // own policy says, except their own session and account.
    if (auth.user.role === 'auditor' && !READ_METHODS.has((req.method ?? 'GET').toUpperCase())) {
      if (!this.reflector.getAllAndOverride<boolean>(SELF_SERVICE_KEY, targets)) {
        throw forbidden('Auditors read; they change nothing');
      }
    }
    return true;
  }
}
