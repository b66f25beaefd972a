import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import type { LoginResponse } from '@acs/shared/api/views';
import { ApiException } from '../common/api-exception.js';
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

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  /** Verified against when the username is unknown, so both cases cost the same time. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  private get ttlMs(): number {
    return this.config.sessionTtlMinutes * 60_000;
  }

  async login(username: string, password: string, ip: string): Promise<LoginResponse> {
    const waitMs = this.throttle.retryAfterMs(username, ip);
    if (waitMs > 0) {
      const minutes = Math.ceil(waitMs / 60_000);
      this.logger.warn(`sign-in refused for "${username}" from ${ip}: throttled for ${minutes} more minute(s)`);
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
      this.throttle.recordFailure(username, ip);
      this.logger.warn(`sign-in failed for "${username}" from ${ip}${refusal ? ` (${refusal})` : ''}`);
      throw new ApiException(HttpStatus.UNAUTHORIZED, 'invalid_credentials', 'Wrong username or password');
    }
    this.throttle.recordSuccess(username);
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
      expiresAt: now + this.ttlMs,
    });
    await this.sessions.insert(session);
    await this.sessions.delete({ expiresAt: LessThan(now) });
    this.logger.log(`${user.username} (${user.role}) signed in from ${ip}`);
    return { token, expiresAt: session.expiresAt, user: toUserView(user) };
  }

  /** The session behind a bearer token, sliding its expiry; null when unknown or expired. */
  async authenticate(token: string): Promise<AuthContext | null> {
    if (token.length < 20 || token.length > 200) return null;
    const tokenHash = hashToken(token);
    const session = await this.sessions.findOneBy({ tokenHash });
    if (!session) return null;
    const now = this.clock.now();
    if (session.expiresAt <= now) {
      await this.sessions.delete({ tokenHash });
      return null;
    }
    const user = await this.users.findById(session.userId);
    if (!user || this.refusal(user)) return null;
    const expiresAt = now + this.ttlMs;
    if (expiresAt - session.expiresAt >= SLIDE_GRANULARITY_MS) {
      await this.sessions.update({ tokenHash }, { expiresAt, lastUsedAt: now });
    }
    return { user: toUserView(user), sessionId: tokenHash };
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.sessions.delete({ tokenHash: auth.sessionId });
    this.logger.log(`${auth.user.username} signed out`);
  }

  /** Why an account with a right password may still not sign in, or null. */
  private refusal(user: UserEntity): string | null {
    if (user.isDemo && this.config.mode === 'production') return 'demo account in production mode';
    // The leaver rule reaches the dashboard too: a departed person's account stops working.
    if (user.person?.status === 'departed') return 'the person has departed';
    return null;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

