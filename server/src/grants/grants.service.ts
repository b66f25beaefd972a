import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { AuthContext } from '../auth/roles.js';
import { conflict, forbidden, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import type { CreateGrantDto } from './dto/create-grant.dto.js';
import { GrantEntity } from './grant.entity.js';
import type { GrantView } from './grant.view.js';

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

@Injectable()
export class GrantsService {
  constructor(
    @InjectRepository(GrantEntity) private readonly repo: Repository<GrantEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
    @InjectRepository(ZoneEntity) private readonly zones: Repository<ZoneEntity>,
    @InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  /** Live grants; employees see only their own. */
  async list(auth: AuthContext, personId?: string): Promise<GrantView[]> {
    if (auth.user.role === 'employee') {
      if (personId !== undefined && personId !== auth.user.personId) throw forbidden('Employees see only their own grants');
      if (!auth.user.personId) return [];
      personId = auth.user.personId;
    }
    const grants = await this.repo.find({
      where: { revokedAt: IsNull(), ...(personId !== undefined ? { personId } : {}) },
      order: { createdAt: 'ASC' },
    });
    return grants.map(toGrantView);
  }

  async create(dto: CreateGrantDto): Promise<GrantView> {
    const problems: string[] = [];
    const person = await this.people.findOneBy({ id: dto.personId });
    if (!person) problems.push(`personId: no person ${dto.personId}`);
    if (!(await this.zones.existsBy({ id: dto.zoneId }))) problems.push(`zoneId: no zone ${dto.zoneId}`);
    if (dto.scheduleId && !(await this.schedules.existsBy({ id: dto.scheduleId }))) {
      problems.push(`scheduleId: no schedule ${dto.scheduleId}`);
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
    });
    await this.repo.insert(grant);
    await this.changes.record(`grant ${grant.id} created`, { personIds: [grant.personId] });
    return toGrantView(grant);
  }

  /** Revokes the grant; the row stays as the record of when access ended. */
  async revoke(id: string): Promise<void> {
    const grant = await this.repo.findOneBy({ id, revokedAt: IsNull() });
    if (!grant) throw notFound(`grant ${id}`);
    const result = await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: this.clock.now(), revokedReason: 'deleted' });
    if (!result.affected) throw notFound(`grant ${id}`);
    await this.changes.record(`grant ${id} revoked`, { personIds: [grant.personId], revokes: true });
  }
}
