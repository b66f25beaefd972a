import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, type QueryDeepPartialEntity, Repository } from 'typeorm';
import type { UserRole } from '@acs/shared/access/model';
import type { Locale, UserAccountView, UserRef, UserView } from '@acs/shared/api/users';
import { ApiException, conflict } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { loadUserRefs } from '../common/user-refs.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { MIN_PASSWORD_LENGTH, PasswordHasher, passwordPolicyProblem } from './password-hasher.js';
import { UserEntity } from './user.entity.js';

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
  personId?: string | null;
  locale?: Locale | undefined;
  /** Demo accounts skip the password policy and are refused in production mode. */
  isDemo?: boolean;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    personId: user.personId,
    locale: user.locale,
  };
}

export function toUserAccountView(user: UserEntity): UserAccountView {
  return { ...toUserView(user), disabled: user.disabled, createdAt: user.createdAt };
}

export interface UserPatch {
  role?: UserRole;
  disabled?: boolean;
  displayName?: string;
  personId?: string | null;
}

/** User accounts. Used by the REST API and, constructed by hand, by the CLI. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    @Optional() @Inject(SERVER_CONFIG) private readonly config?: Pick<ServerConfig, 'passwordMinLength'>,
  ) {}

  /** The policy's problem with a password for this username, or null. */
  passwordProblem(password: string, username: string): string | null {
    return passwordPolicyProblem(password, username, this.config?.passwordMinLength ?? MIN_PASSWORD_LENGTH);
  }

  async create(input: NewUser): Promise<UserEntity> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      throw invalidUser('username must be 2-64 characters: lowercase letters, digits, dot, dash or underscore');
    }
    if (!input.isDemo) {
      const problem = this.passwordProblem(input.password, username);
      if (problem) throw invalidUser(problem);
    }
    if (await this.repo.existsBy({ username })) throw conflict(`user ${username} already exists`);
    const user = this.repo.create({
      id: newId(),
      username,
      displayName: input.displayName.trim() || username,
      role: input.role,
      personId: input.personId ?? null,
      locale: input.locale ?? 'zh-CN',
      passwordHash: await this.hasher.hash(input.password),
      isDemo: input.isDemo ?? false,
      disabled: false,
      createdAt: this.clock.now(),
    });
    await this.repo.insert(user);
    return user;
  }

  /** With the linked person, so callers can apply the leaver rule. */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { username: username.trim().toLowerCase() }, relations: { person: true } });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { id }, relations: { person: true } });
  }

  async setLocale(id: string, locale: Locale): Promise<UserView> {
    await this.repo.update({ id }, { locale });
    const user = await this.repo.findOneByOrFail({ id });
    return toUserView(user);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash });
  }

  async list(): Promise<UserAccountView[]> {
    const users = await this.repo.find({ order: { username: 'ASC' } });
    return users.map(toUserAccountView);
  }

  /**
   * Changes role, disabled flag, display name or linked person. Refuses to leave the site
   * without an enabled admin, so no one can lock every administrator out.
   */
  async update(id: string, patch: UserPatch): Promise<UserEntity> {
    const user = await this.repo.findOneBy({ id });
    if (!user) throw new ApiException(HttpStatus.NOT_FOUND, 'not_found', `user ${id} does not exist`);
    const losesAdmin =
      user.role === 'admin' && !user.disabled && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
    if (losesAdmin) {
      const enabledAdmins = await this.repo.countBy({ role: 'admin', disabled: false });
      if (enabledAdmins <= 1) throw conflict('this is the last enabled administrator; make another admin first');
    }
    if (patch.role !== undefined) user.role = patch.role;
    if (patch.disabled !== undefined) user.disabled = patch.disabled;
    if (patch.displayName !== undefined) user.displayName = patch.displayName.trim() || user.username;
    if (patch.personId !== undefined) user.personId = patch.personId;
    return this.repo.save(user);
  }

  /** Admin accounts that are not demo accounts: production mode needs at least one. */
  countRealAdmins(): Promise<number> {
    return this.repo.countBy({ role: 'admin', isDemo: false });
  }

  countAll(): Promise<number> {
    return this.repo.count();
  }

  countDemo(): Promise<number> {
    return this.repo.countBy({ isDemo: true });
  }

  // ---- asked by other domains ---------------------------------------------------------

  /** Display names of the users named on another domain's records. */
  refs(ids: Iterable<string | null | undefined>): Promise<Map<string, UserRef>> {
    return loadUserRefs(this.repo, ids);
  }

  /** Adds an account row inside the caller's transaction (the demo site's sign-ins; create() checks the password policy). */
  async insertRow(row: QueryDeepPartialEntity<UserEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(UserEntity, row);
  }

  /** The role of every account (the evidence pack counts accounts per role). */
  roles(): Promise<Pick<UserEntity, 'id' | 'role'>[]> {
    return this.repo.find({ select: { id: true, role: true } });
  }

  /** The person an account belongs to, if any. */
  async personIdOf(userId: string): Promise<string | null> {
    return (await this.repo.findOne({ select: { id: true, personId: true }, where: { id: userId } }))?.personId ?? null;
  }
}

function invalidUser(message: string): ApiException {
  return new ApiException(HttpStatus.BAD_REQUEST, 'validation_failed', message);
}
