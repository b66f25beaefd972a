import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not, Repository } from 'typeorm';
import type { PersonView } from '@acs/shared/api/views';
import type { AuthContext } from '../auth/roles.js';
import { CardEntity, CLOSED_CARD_STATUSES } from '../cards/card.entity.js';
import { notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreatePersonDto } from './dto/create-person.dto.js';
import type { UpdatePersonDto } from './dto/update-person.dto.js';
import { PersonEntity } from './person.entity.js';
import { toPersonView } from './people.views.js';

@Injectable()
export class PeopleService {
  private readonly logger = new Logger('People');

  constructor(
    @InjectRepository(PersonEntity) private readonly repo: Repository<PersonEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  /** Employees see only themselves. */
  async list(auth: AuthContext): Promise<PersonView[]> {
    if (auth.user.role === 'employee') {
      if (!auth.user.personId) return [];
      const me = await this.repo.findOneBy({ id: auth.user.personId });
      return me ? [toPersonView(me)] : [];
    }
    const people = await this.repo.find({ order: { name: 'ASC' } });
    return people.map(toPersonView);
  }

  async create(dto: CreatePersonDto): Promise<PersonView> {
    const now = this.clock.now();
    const person = this.repo.create({
      id: newId(),
      name: dto.name.trim(),
      kind: dto.kind,
      department: dto.department ?? null,
      email: dto.email ?? null,
      status: 'active',
      departedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.repo.insert(person);
    return toPersonView(person);
  }

  async update(id: string, dto: UpdatePersonDto): Promise<PersonView> {
    const now = this.clock.now();
    // Checks happen before the transaction: on SQLite all work shares one connection, so
    // a transaction should only ever roll back for a database error.
    if (!(await this.repo.existsBy({ id }))) throw notFound(`person ${id}`);
    const { person, departed, revokedCards, revokedGrants } = await this.dataSource.transaction(async (manager) => {
      const people = manager.getRepository(PersonEntity);
      const person = await people.findOneByOrFail({ id });
      const departed = dto.status === 'departed' && person.status !== 'departed';
      if (dto.name !== undefined) person.name = dto.name.trim();
      if (dto.kind !== undefined) person.kind = dto.kind;
      if (dto.department !== undefined) person.department = dto.department;
      if (dto.email !== undefined) person.email = dto.email;
      if (dto.status !== undefined) {
        person.status = dto.status;
        person.departedAt = dto.status === 'departed' ? (departed ? now : person.departedAt) : null;
      }
      person.updatedAt = now;
      await people.save(person);
      let revokedCards = 0;
      let revokedGrants = 0;
      if (departed) {
        // The leaver rule (requirements §2): every card and grant ends now, in the same transaction.
        const cardResult = await manager
          .getRepository(CardEntity)
          .update({ personId: id, status: Not(In([...CLOSED_CARD_STATUSES])) }, { status: 'revoked', statusChangedAt: now, updatedAt: now });
        const grantResult = await manager
          .getRepository(GrantEntity)
          .update({ personId: id, revokedAt: IsNull() }, { revokedAt: now, revokedReason: 'person_departed' });
        revokedCards = cardResult.affected ?? 0;
        revokedGrants = grantResult.affected ?? 0;
      }
      return { person, departed, revokedCards, revokedGrants };
    });
    if (departed) {
      this.logger.log(`${person.name} (${id}) departed: revoked ${revokedCards} card(s) and ${revokedGrants} grant(s)`);
    }
    if (departed || dto.name !== undefined || dto.status !== undefined) {
      await this.changes.record(departed ? `person ${id} departed` : `person ${id} updated`, { personIds: [id], revokes: departed || dto.status === 'departed' });
    }
    return toPersonView(person);
  }
}
