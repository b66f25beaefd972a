import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, Repository } from 'typeorm';
import { Subject, type Observable } from 'rxjs';
import type { LoginResponse } from '@acs/shared/api/users';
import { AuditService } from '../audit/audit.service.js';
import { ApiException, invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import type { AuthContext } from './roles.js';
import { SessionEntity } from './session.entity.js';
import { UserEntity } from './user.entity.js';
import { UsersService, toUserView } from './users.service.js';

/** Sliding expiry is written at most this often per session, not on every request. */
const SLIDE_GRANULARITY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Sessions that ended before their time (sign-out, password change, account disabled): live sockets must close. */
export interface SessionsEnded {
  /** Session ids (token hashes), or every session of `userId` except `keepSessionId`. */
  sessionIds?: readonly string[];
  userId?: string;
  keepSessionId?: string | undefined;
  reason: string;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  /** Verified against when the username is unknown, so both cases cost the same time. */
  private dummyHash: Promise<string> | null = null;
  private readonly ended = new Subject<SessionsEnded>();
  readonly sessionsEnded$: Observable<SessionsEnded> = this.ended.asObservable();

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  private get ttlMs(): number {
    return this.config.sessionTtlMinutes * 60_000;
  }

  private get maxLifetimeMs(): number {
    return this.config.sessionMaxHours * 3600_000;
  }

  async login(username: string, password: string, ip: string): Promise<LoginResponse> {
    const waitMs = await this.throttle.retryAfterMs(username, ip);
    if (waitMs > 0) {
      const minutes = Math.ceil(waitMs / 60_000);
      // The typed username stays out of logs: it is a person's name, or a password typed in the wrong field.
      this.logger.warn(`sign-in refused from ${ip}: throttled for ${minutes} more minute(s)`);
      throw new ApiException(
        HttpStatus.TOO_MANY_REQUESTS,
        'too_many_attempts',
        `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        { 'Retry-After': String(Math.ceil(waitMs / 1000)) },
      );
    }
    const user = await this.users.findByUsername(username);
    const ok = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verify(password, await this.getDummyHash()).then(() => false);
    const refusal = ok ? this.refusal(user!) : null;
    if (!user || !ok || refusal) {
      await this.throttle.recordFailure(username, ip);
      this.logger.warn(
        `sign-in failed for ${user ? `user ${user.id}` : 'an unknown username'} from ${ip}${refusal ? ` (${refusal})` : ''}`,
      );
      await this.audit.record({
        action: 'auth.sign_in_failed',
        entityType: 'users',
        entityId: user?.id ?? null,
        detail: `username "${username.slice(0, 64)}": ${refusal ?? (user ? 'wrong password' : 'unknown user')}`,
        actor: null,
      });
      throw new ApiException(HttpStatus.UNAUTHORIZED, 'invalid_credentials', 'Wrong username or password');
    }
    await this.throttle.recordSuccess(username);
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.setPasswordHash(user.id, await this.hasher.hash(password));
    }
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const session = this.sessions.create({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + Math.min(this.ttlMs, this.maxLifetimeMs),
    });
    await this.sessions.insert(session);
    await this.sessions.delete({ expiresAt: LessThan(now) });
    this.logger.log(`user ${user.id} (${user.role}) signed in from ${ip}`);
    await this.audit.record({
      action: 'auth.sign_in',
      entityType: 'users',
      entityId: user.id,
      actor: { userId: user.id, username: user.username, role: user.role },
    });
    return { token, expiresAt: session.expiresAt, user: toUserView(user) };
  }

  /**
   * The session behind a bearer token, sliding its expiry (never past the absolute
   * maximum after sign-in); null when unknown, expired, or the account may no longer sign in.
   */
  async authenticate(token: string, options: { slide?: boolean } = {}): Promise<AuthContext | null> {
    if (token.length < 20 || token.length > 200) return null;
    return this.sessionContext(hashToken(token), options.slide ?? true);
  }

  /** Whether a session id (token hash) is still good, without sliding it: for live sockets. */
  async isSessionLive(sessionId: string): Promise<boolean> {
    return (await this.sessionContext(sessionId, false)) !== null;
  }

  private async sessionContext(tokenHash: string, slide: boolean): Promise<AuthContext | null> {
    const session = await this.sessions.findOneBy({ tokenHash });
    if (!session) return null;
    const now = this.clock.now();
    const hardEnd = session.createdAt + this.maxLifetimeMs;
    if (session.expiresAt <= now || hardEnd <= now) {
      await this.sessions.delete({ tokenHash });
      return null;
    }
    const user = await this.users.findById(session.userId);
    if (!user || this.refusal(user)) return null;
    const expiresAt = Math.min(now + this.ttlMs, hardEnd);
    if (slide && expiresAt - session.expiresAt >= SLIDE_GRANULARITY_MS) {
      await this.sessions.update({ tokenHash }, { expiresAt, lastUsedAt: now });
    }
    return { user: toUserView(user), sessionId: tokenHash };
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.sessions.delete({ tokenHash: auth.sessionId });
    this.logger.log(`user ${auth.user.id} signed out`);
    await this.audit.record({ action: 'auth.sign_out', entityType: 'users', entityId: auth.user.id });
    this.ended.next({ sessionIds: [auth.sessionId], reason: 'signed out' });
  }

  /**
   * A user changes their own password: the current one must be right (failures count
   * towards the sign-in throttle), the new one must pass the policy. Every other session of
   * the user ends; the one making the change stays.
   */
  async changePassword(auth: AuthContext, current: string, next: string, ip: string): Promise<void> {
    const waitMs = await this.throttle.retryAfterMs(auth.user.username, ip);
    if (waitMs > 0) {
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, 'too_many_attempts', 'Too many failed attempts. Try again later.', {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }
    const user = await this.users.findById(auth.user.id);
    if (!user || !(await this.hasher.verify(current, user.passwordHash))) {
      await this.throttle.recordFailure(auth.user.username, ip);
      this.logger.warn(`password change refused for user ${auth.user.id}: wrong current password`);
      throw new ApiException(HttpStatus.UNAUTHORIZED, 'invalid_credentials', 'The current password is wrong');
    }
    const problem = this.users.passwordProblem(next, user.username);
    if (problem) throw invalid(`next: ${problem}`);
    if (next === current) throw invalid('next: the new password must differ from the current one');
    await this.users.setPasswordHash(user.id, await this.hasher.hash(next));
    await this.endSessionsOf(user.id, 'password changed', auth.sessionId);
    this.logger.log(`user ${user.id} changed their password`);
  }

  /** Ends every session of a user (except one), e.g. when an admin disables the account. */
  async endSessionsOf(userId: string, reason: string, keepSessionId?: string): Promise<void> {
    await this.sessions.delete(keepSessionId ? { userId, tokenHash: Not(keepSessionId) } : { userId });
    this.ended.next({ userId, keepSessionId, reason });
  }

  /** Why an account with a right password may still not sign in, or null. */
  private refusal(user: UserEntity): string | null {
    if (user.isDemo && this.config.mode === 'production') return 'demo account in production mode';
    if (user.disabled) return 'the account is disabled';
    // The leaver rule reaches the dashboard too: a departed person's account stops working.
    if (user.person?.status === 'departed') return 'the person has departed';
    return null;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
