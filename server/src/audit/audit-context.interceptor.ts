import { randomUUID } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/roles.js';
import { requestContext } from '../common/server-logger.js';
import { type AuditContext, runWithAuditContext } from './audit-context.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Runs every HTTP handler inside an audit context holding the signed-in user (set by the
 * auth guard, which runs before interceptors), the client address and a request id
 * (the caller's `X-Request-Id` when it is sane, else a new one; echoed in the response).
 */
@Injectable()
export class AuditContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const res = http.getResponse<{ setHeader(name: string, value: string): void }>();
    const given = req.headers['x-request-id'];
    // The id the request's log lines carry, so an audit entry leads to them.
    const requestId = requestContext.getStore()?.requestId ?? (typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID());
    res.setHeader('X-Request-Id', requestId);
    const user = req.auth?.user;
    const audit: AuditContext = {
      source: 'http',
      actor: user ? { userId: user.id, username: user.username, role: user.role } : null,
      requestId,
      ip: req.ip ?? req.socket?.remoteAddress ?? null,
    };
    // next.handle() binds the handler to the async context it is called in.
    return runWithAuditContext(audit, () => next.handle());
  }
}
