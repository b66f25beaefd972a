import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Repository } from 'typeorm';
import type { PersonView } from '@acs/shared/api/people';
import type { AuthContext } from '../auth/roles.js';
import type { Actor } from '../common/actor.js';
import { invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { DepartmentZone, DepartmentEntity } from '../departments/department.entity.js';
import { endGrant } from '../grants/grants.service.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreatePersonDto } from './dto/create-person.dto.js';
import type { UpdatePersonDto } from './dto/update-person.dto.js';
import { PersonEntity } from './person.entity.js';
import { toPersonView } from './people.views.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { AccessRequestRepository } from '../access-requests/access-request.repository.js';
import { DepartmentRepository } from '../departments/department.repository.js';
import { CardRepository } from '../cards/card.repository.js';

interface UpdateOutcome {
  person: PersonEntity;
  departed: boolean;
  moved: boolean;
  revokedCards: number;
  endedGrants: number;
  addedGrants: number;
}

/** What other domains may know of a person: enough to check a host or escort and show a name. */
export type PersonSummary = Pick<PersonEntity, 'id' | 'name' | 'kind' | 'status'>;

/**
 * People and the leaver/mover rule (docs/product-rules.md#movers-and-leavers: adjust permissions promptly on
 * transfer or departure):
 *
 * - **departed**: every live card is revoked, every grant ends and pending access
 *   requests are cancelled, in one transaction; the change is recorded as a revocation
 *   and its version kept on the person for the leavers report.
 * - **moved** (department changed): grants for zones outside the new department's default
 *   zones end (reason `person_moved`), including owner-approved L2/L3 grants, which must be
 *   requested again; the new department's default zones are granted. Cards stay.
 * - **joined** (created with a department): the department's default zones are granted.
 */
@Injectable()
export class PeopleService {
  private readonly logger = new Logger('People');

  constructor(
    @InjectRepository(PersonEntity) private readonly repo: Repository<PersonEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
    private readonly cards: CardRepository,
    private readonly grants: GrantRepository,
    private readonly accessRequests: AccessRequestRepository,
    private readonly departments: DepartmentRepository,
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

  async create(dto: CreatePersonDto, actor?: Actor): Promise<PersonView> {
    const department = dto.department ? await this.department(dto.department) : null;
    const now = this.clock.now();
    const person = this.repo.create({
      id: newId(),
      name: dto.name.trim(),
      kind: dto.kind,
      department: department?.name ?? null,
      email: dto.email ?? null,
      status: 'active',
      departedAt: null,
      departureVersion: null,
      createdAt: now,
      updatedAt: now,
    });
    const added = await this.dataSource.transaction(async (m) => {
      await m.getRepository(PersonEntity).insert(person);
      return department ? this.grantDefaults(m, person.id, department.defaultZones, [], now, actor?.id ?? null) : 0;
    });
    if (added) {
      await this.changes.record(`person ${person.id} joined ${department!.name}`, {
        personIds: [person.id],
        actorUserId: actor?.id ?? null,
      });
    }
    return toPersonView(person);
  }

  async update(id: string, dto: UpdatePersonDto, actor?: Actor): Promise<PersonView> {
    const now = this.clock.now();
    const actorId = actor?.id ?? null;
    // Checks happen before the transaction: on SQLite all work shares one connection, so
    // a transaction should only ever roll back for a database error.
    const current = await this.repo.findOneBy({ id });
    if (!current) throw notFound(`person ${id}`);
    const newDepartment = dto.department !== undefined && dto.department !== null ? await this.department(dto.department) : null;
    const departing = dto.status === 'departed' && current.status !== 'departed';
    const staysActive = (dto.status ?? current.status) === 'active';
    const moving = dto.department !== undefined && (newDepartment?.name ?? null) !== current.department && staysActive && !departing;

    const outcome: UpdateOutcome = await this.dataSource.transaction(async (manager) => {
      const people = manager.getRepository(PersonEntity);
      const person = await people.findOneByOrFail({ id });
      if (dto.name !== undefined) person.name = dto.name.trim();
      if (dto.kind !== undefined) person.kind = dto.kind;
      if (dto.department !== undefined) person.department = newDepartment?.name ?? null;
      if (dto.email !== undefined) person.email = dto.email;
      if (dto.status !== undefined) {
        person.status = dto.status;
        person.departedAt = dto.status === 'departed' ? (departing ? now : person.departedAt) : null;
      }
      person.updatedAt = now;
      await people.save(person);
      const outcome: UpdateOutcome = { person, departed: departing, moved: moving, revokedCards: 0, endedGrants: 0, addedGrants: 0 };
      if (departing) {
        // The leaver rule (docs/product-rules.md#movers-and-leavers): every card and grant ends now, in the same transaction.
        outcome.revokedCards += await this.cards.revokeOpenCardsOf(id, now, actorId, 'person departed', manager);
        for (const grant of await this.grants.liveOf(id, manager)) {
          await endGrant(manager, grant, 'person_departed', now, actorId);
          outcome.endedGrants++;
        }
        await this.accessRequests.cancelPendingOf(id, 'person departed', now, actorId, manager);
      } else if (moving) {
        const defaults = newDepartment?.defaultZones ?? [];
        const keep = new Set(defaults.map((z) => z.zoneId));
        const live = await this.grants.liveOf(id, manager);
        for (const grant of live.filter((g) => !keep.has(g.zoneId))) {
          await endGrant(manager, grant, 'person_moved', now, actorId);
          outcome.endedGrants++;
        }
        outcome.addedGrants = await this.grantDefaults(
          manager,
          id,
          defaults,
          live.filter((g) => keep.has(g.zoneId)).map((g) => g.zoneId),
          now,
          actorId,
        );
      }
      return outcome;
    });

    const { person } = outcome;
    if (outcome.departed) {
      this.logger.log(`person ${id} departed: revoked ${outcome.revokedCards} card(s) and ${outcome.endedGrants} grant(s)`);
      const version = await this.changes.record(`person ${id} departed`, { personIds: [id], revokes: true, actorUserId: actorId });
      person.departureVersion = version;
      await this.repo.save(person);
    } else if (outcome.moved) {
      this.logger.log(
        `person ${id} moved to ${person.department ?? 'no department'}: ended ${outcome.endedGrants} grant(s), added ${outcome.addedGrants}`,
      );
      await this.changes.record(`person ${id} moved to ${person.department ?? 'no department'}`, {
        personIds: [id],
        revokes: outcome.endedGrants > 0,
        actorUserId: actorId,
      });
    } else if (dto.name !== undefined || dto.status !== undefined) {
      // The holder's name and status travel in the permission sets.
      await this.changes.record(`person ${id} updated`, { personIds: [id], revokes: dto.status === 'departed', actorUserId: actorId });
    }
    return toPersonView(person);
  }

  private async department(name: string): Promise<DepartmentEntity> {
    const department = await this.departments.findByName(name.trim());
    if (!department) throw invalid(`department: no department ${name} (create it under departments first)`);
    return department;
  }

  /** Grants the department's default zones the person does not hold yet; returns how many. */
  private async grantDefaults(
    manager: EntityManager,
    personId: string,
    defaults: readonly DepartmentZone[],
    held: readonly string[],
    now: number,
    actorId: string | null,
  ): Promise<number> {
    let added = 0;
    for (const zone of defaults) {
      if (held.includes(zone.zoneId)) continue;
      await this.grants.insert(
        {
          id: newId(),
          personId,
          zoneId: zone.zoneId,
          scheduleId: zone.scheduleId,
          validUntil: null,
          createdAt: now,
          revokedAt: null,
          revokedReason: null,
          grantedByUserId: actorId,
          revokedByUserId: null,
          accessRequestId: null,
        },
        manager,
      );
      added++;
    }
    return added;
  }

  // ---- asked by other domains (reception, equipment) ----------------------------------

  /** Name, kind and status of the people named, for checks and display elsewhere. */
  async summaries(ids: Iterable<string>): Promise<PersonSummary[]> {
    const wanted = [...new Set(ids)];
    const found: PersonSummary[] = [];
    for (let i = 0; i < wanted.length; i += 1000) {
      found.push(
        ...(await this.repo.find({
          select: { id: true, name: true, kind: true, status: true },
          where: { id: In(wanted.slice(i, i + 1000)) },
        })),
      );
    }
    return found;
  }

  async exists(id: string): Promise<boolean> {
    return this.repo.existsBy({ id });
  }

  /**
   * The person record that holds a visit's card and grants: the existing one, or a new
   * active visitor. Inside the caller's transaction, so a failed check-in leaves no person.
   */
  async ensureVisitor(
    existingId: string | null,
    visitor: { name: string; company: string | null },
    at: number,
    manager: EntityManager,
  ): Promise<string> {
    const repo = manager.getRepository(PersonEntity);
    const person = existingId ? await repo.findOneBy({ id: existingId }) : null;
    if (person) return person.id;
    const id = newId();
    await repo.insert({
      id,
      name: visitor.name,
      kind: 'visitor',
      department: visitor.company,
      email: null,
      status: 'active',
      departedAt: null,
      departureVersion: null,
      createdAt: at,
      updatedAt: at,
    });
    return id;
  }

  /** Retention: the visitor's name and company go; the record stays for the card and events. */
  async anonymiseVisitor(id: string, placeholderName: string, at: number, manager: EntityManager): Promise<void> {
    await manager.getRepository(PersonEntity).update({ id }, { name: placeholderName, department: null, updatedAt: at });
  }
}
