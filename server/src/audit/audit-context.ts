import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserRole } from '@acs/shared/access/model';
import type { AuditSource } from '@acs/shared/api/audit';

/** The person behind a change. */
export interface AuditActor {
  userId: string | null;
  username: string;
  role: UserRole | null;
}

/**
 * What the audit log needs to know about the work being done: who, from where, under which
 * request. Set around each HTTP handler (AuditContextInterceptor) and each CLI command.
 */
export interface AuditContext {
  source: AuditSource;
  /** Null when nobody is signed in (sign-in itself): entity writes are then not a person's change. */
  actor: AuditActor | null;
  requestId: string | null;
  ip: string | null;
}

const storage = new AsyncLocalStorage<AuditContext | null>();

export function currentAuditContext(): AuditContext | null {
  return storage.getStore() ?? null;
}

export function runWithAuditContext<T>(context: AuditContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * Runs background work started from a request (timers, pushes to agents) outside the
 * request's audit context, so the system's own writes are not attributed to the person.
 */
export function runWithoutAuditContext<T>(work: () => T): T {
  return storage.run(null, work);
}
