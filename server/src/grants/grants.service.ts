import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import type { AuthContext } from '../auth/roles.js';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreateGrantDto } from './dto/create-grant.dto.js';
import { type GrantRevocationReason, GrantEntity } from './grant.entity.js';
import type { GrantView } from './grant.view.js';
import { PersonRepository } from '../people/person.repository.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';

export function toGrantView(g: GrantEntity): GrantView {
  return {
    id: g.id,
    personId: g.personId,
    zoneId: g.zoneId,
    scheduleId: g.scheduleId,
    validUntil: g.validUntil,
    createdAt: g.createdAt,
  };
}

/** Ends a live grant in place (the row stays as the record of when access ended). */
export async function endGrant(
  manager: EntityManager,
  grant: GrantEntity,
  reason: GrantRevocationReason,
  at: number,
  actorUserId: string | null,
): Promise<void> {
  grant.revokedAt = at;
  grant.revokedReason = reason;
  grant.revokedByUserId = actorUserId;
  await manager.getRepository(GrantEntity).save(grant);
}

export interface GrantOrigin {
  /** The access request whose approval creates the grant. */
  accessRequestId?: string | null;
}

@Injectable()
export class GrantsService {
  constructor(
    @InjectRepository(GrantEntity) private readonly repo: Repository<GrantEntity>,
    private readonly people: PersonRepository,
    private readonly zones: ZoneRepository,
    private readonly schedules: ScheduleRepository,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  /** Live grants; employees see only their own. */
  async list(auth: AuthContext, personId?: string, zoneId?: string): Promise<GrantView[]> {
    if (auth.user.role === 'employee') {
      if (personId !== undefined && personId !== auth.user.personId) throw forbidden('Employees see only their own grants');
      if (!auth.user.personId) return [];
      personId = auth.user.personId;
    }
    const grants = await this.repo.find({
      where: { revokedAt: IsNull(), ...(personId !== undefined ? { personId } : {}), ...(zoneId !== undefined ? { zoneId } : {}) },
      order: { createdAt: 'ASC' },
    });
    return grants.map(toGrantView);
  }

  async create(dto: CreateGrantDto, actor?: Actor, origin: GrantOrigin = {}): Promise<GrantView> {
    const problems: string[] = [];
    const person = await this.people.findById(dto.personId);
    if (!person) problems.push(`personId: no person ${dto.personId}`);
    if (!(await this.zones.exists(dto.zoneId))) problems.push(`zoneId: no zone ${dto.zoneId}`);
    if (dto.scheduleId && !(await this.schedules.exists(dto.scheduleId))) {
      problems.push(`scheduleId: no schedule ${dto.scheduleId}`);
    }
    if (dto.validUntil !== undefined && dto.validUntil !== null && dto.validUntil <= this.clock.now()) {
      problems.push('validUntil must be in the future');
    }
    if (problems.length) throw invalid(problems);
    if (person!.status === 'departed') throw conflict(`${person!.name} has departed; grant nothing to a departed person`);
    if (await this.repo.existsBy({ personId: dto.personId, zoneId: dto.zoneId, revokedAt: IsNull() })) {
      throw conflict(`${person!.name} already holds a grant for zone ${dto.zoneId}; delete it first to change it`);
    }
    const grant = this.repo.create({
      id: newId(),
      personId: dto.personId,
      zoneId: dto.zoneId,
      scheduleId: dto.scheduleId ?? null,
      validUntil: dto.validUntil ?? null,
      createdAt: this.clock.now(),
      revokedAt: null,
      revokedReason: null,
      grantedByUserId: actor?.id ?? null,
      revokedByUserId: null,
      accessRequestId: origin.accessRequestId ?? null,
    });
    await this.repo.insert(grant);
    await this.changes.record(`grant ${grant.id} created`, { personIds: [grant.personId], actorUserId: actor?.id ?? null });
    return toGrantView(grant);
  }

  /** Revokes the grant; the row stays as the record of when access ended. */
  async revoke(id: string, actor?: Actor, reason: GrantRevocationReason = 'deleted'): Promise<number> {
    const grant = await this.repo.findOneBy({ id, revokedAt: IsNull() });
    if (!grant) throw notFound(`grant ${id}`);
    await endGrant(this.repo.manager, grant, reason, this.clock.now(), actor?.id ?? null);
    return this.changes.record(`grant ${id} revoked (${reason})`, {
      personIds: [grant.personId],
      revokes: true,
      actorUserId: actor?.id ?? null,
    });
  }

  // ---- asked by reception -------------------------------------------------------------

  /** A visit's grants: its zones until its window ends, inside the check-in's transaction. */
  async grantVisitZones(
    visit: { personId: string; zoneIds: readonly string[]; validUntil: number; grantedByUserId: string; at: number },
    manager: EntityManager,
  ): Promise<void> {
    await manager.getRepository(GrantEntity).insert(
      visit.zoneIds.map((zoneId) => ({
        id: newId(),
        personId: visit.personId,
        zoneId,
        scheduleId: null,
        validUntil: visit.validUntil,
        createdAt: visit.at,
        revokedAt: null,
        revokedReason: null,
        grantedByUserId: visit.grantedByUserId,
      })),
    );
  }

  /** The visit ended: every live grant of the visitor ends, inside the sign-out's transaction. */
  async endVisitGrants(personId: string, at: number, manager: EntityManager): Promise<void> {
    await manager.getRepository(GrantEntity).update({ personId, revokedAt: IsNull() }, { revokedAt: at, revokedReason: 'visit_ended' });
  }
}
