import { Injectable, Logger } from '@nestjs/common';
import type { UserAccountView } from '@acs/shared/api/users';
import { AuthService } from '../auth/auth.service.js';
import type { AuthContext } from '../auth/roles.js';
import { toUserAccountView, UsersService } from '../auth/users.service.js';
import { conflict, invalid } from '../common/api-exception.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { PersonRepository } from '../people/person.repository.js';

/** Accounts managed by administrators: create with the password policy, change role, disable. */
@Injectable()
export class UserAdminService {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly people: PersonRepository,
  ) {}

  list(): Promise<UserAccountView[]> {
    return this.users.list();
  }

  async create(dto: CreateUserDto): Promise<UserAccountView> {
    if (dto.personId) await this.checkPerson(dto.personId);
    const user = await this.users.create({
      username: dto.username,
      displayName: dto.displayName ?? dto.username,
      role: dto.role,
      password: dto.password,
      personId: dto.personId ?? null,
      locale: dto.locale,
    });
    this.logger.log(`user ${user.id} (${user.role}) created`);
    return toUserAccountView(user);
  }

  async update(id: string, dto: UpdateUserDto, by: AuthContext): Promise<UserAccountView> {
    if (id === by.user.id && dto.disabled === true) throw conflict('you cannot disable your own account');
    if (dto.personId) await this.checkPerson(dto.personId);
    const before = await this.users.findById(id);
    const user = await this.users.update(id, dto);
    const roleChanged = before !== null && before.role !== user.role;
    const disabledNow = before !== null && !before.disabled && user.disabled;
    if (roleChanged || disabledNow) {
      // Sessions and sockets carry what the role allowed at sign-in (socket rooms): start again.
      await this.auth.endSessionsOf(id, disabledNow ? 'account disabled' : 'role changed');
      this.logger.log(`user ${user.id}: ${disabledNow ? 'disabled' : `role ${before.role} → ${user.role}`}; sessions ended`);
    }
    return toUserAccountView(user);
  }

  private async checkPerson(personId: string): Promise<void> {
    if (!(await this.people.exists(personId))) throw invalid(`personId: no person ${personId}`);
  }
}
