import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { AccessRequestView } from '@acs/shared/api/access-requests';
import type { AuthContext } from '../auth/roles.js';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid, notFound, separationOfDuties } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { refOf } from '../common/user-refs.js';
import { GrantsService } from '../grants/grants.service.js';
import type { ZoneEntity } from '../zones/zone.entity.js';
import { AccessRequestEntity } from './access-request.entity.js';
import type { AccessRequestScope, CreateAccessRequestDto, ListAccessRequestsQuery } from './dto/access-request.dto.js';
import { PersonRepository } from '../people/person.repository.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { UsersService } from '../auth/users.service.js';

/**
 * Access requests (docs/product-rules.md#access-requests): an employee asks for a zone
 * with a reason; the zone's owner, or an admin, approves (which creates the grant) or
 * refuses with a reason. Nobody decides their own request, and a zone without an owner
 * (L0/L1) is decided by an admin.
 */
@Injectable()
export class AccessRequestsService {
  private readonly logger = new Logger('AccessRequests');

  constructor(
    @InjectRepository(AccessRequestEntity) private readonly repo: Repository<AccessRequestEntity>,
    private readonly zones: ZoneRepository,
    private readonly people: PersonRepository,
    private readonly schedules: ScheduleRepository,
    private readonly grantRows: GrantRepository,
    private readonly users: UsersService,
    private readonly grants: GrantsService,
    private readonly clock: Clock,
  ) {}

  async list(auth: AuthContext, query: ListAccessRequestsQuery): Promise<AccessRequestView[]> {
    const scope: AccessRequestScope = query.scope ?? 'all';
    const status = query.status !== undefined ? { status: query.status } : {};
    const me = auth.user.personId;
    let rows: AccessRequestEntity[];
    if (auth.user.role === 'employee' || scope !== 'all') {
      if (!me) return [];
      const owned = scope === 'mine' ? [] : (await this.zones.ownedBy(me)).map((z) => z.id);
      const where = [
        ...(scope !== 'to-decide' ? [{ personId: me, ...status }] : []),
        ...(owned.length ? [{ zoneId: In(owned), ...status }] : []),
      ];
      rows = where.length ? await this.repo.find({ where, order: { requestedAt: 'DESC' } }) : [];
    } else {
      rows = await this.repo.find({ where: status, order: { requestedAt: 'DESC' } });
    }
    return this.views(rows);
  }

  async get(auth: AuthContext, id: string): Promise<AccessRequestView> {
    const request = await this.repo.findOneBy({ id });
    if (!request) throw notFound(`access request ${id}`);
    if (auth.user.role === 'employee') {
      const zone = await this.zones.findById(request.zoneId);
      if (request.personId !== auth.user.personId && zone?.ownerPersonId !== auth.user.personId) {
        throw forbidden('Employees see their own requests and those for zones they own');
      }
    }
    return (await this.views([request]))[0]!;
  }

  async create(dto: CreateAccessRequestDto, actor: Actor): Promise<AccessRequestView> {
    let personId: string | null;
    if (actor.role === 'employee') {
      if (dto.personId !== undefined && dto.personId !== actor.personId) throw forbidden('Employees request access for themselves only');
      personId = actor.personId;
    } else {
      personId = dto.personId ?? actor.personId;
    }
    if (!personId) throw invalid('personId: your account is linked to no person; name the person the request is for');
    const problems: string[] = [];
    const person = await this.people.findById(personId);
    if (!person) problems.push(`personId: no person ${personId}`);
    const zone = await this.zones.findById(dto.zoneId);
    if (!zone) problems.push(`zoneId: no zone ${dto.zoneId}`);
    if (dto.scheduleId && !(await this.schedules.exists(dto.scheduleId))) problems.push(`scheduleId: no schedule ${dto.scheduleId}`);
    const now = this.clock.now();
    if (dto.until !== undefined && dto.until !== null && dto.until <= now) problems.push('until must be in the future');
    if (problems.length) throw invalid(problems);
    if (person!.status !== 'active') throw conflict(`${person!.name} has departed; nothing can be requested for a departed person`);
    if (await this.grantRows.hasLive(personId, zone!.id)) {
      throw conflict(`${person!.name} already holds a grant for ${zone!.name}`);
    }
    if (await this.repo.existsBy({ personId, zoneId: zone!.id, status: 'pending' })) {
      throw conflict(`${person!.name} already has a pending request for ${zone!.name}`);
    }
    const request = this.repo.create({
      id: newId(),
      personId,
      zoneId: zone!.id,
      scheduleId: dto.scheduleId ?? null,
      validUntil: dto.until ?? null,
      reason: dto.reason.trim(),
      status: 'pending',
      requestedByUserId: actor.id,
      requestedAt: now,
      decidedByUserId: null,
      decidedAt: null,
      decisionReason: null,
      grantId: null,
    });
    await this.repo.save(request);
    this.logger.log(`person ${person!.id} requests ${zone!.id}`);
    return (await this.views([request]))[0]!;
  }

  async approve(id: string, reason: string | null, actor: Actor): Promise<AccessRequestView> {
    const { request } = await this.decidable(id, actor);
    const now = this.clock.now();
    if (request.validUntil !== null && request.validUntil <= now) {
      throw conflict('the requested end of access has already passed; refuse this request and ask for a new one');
    }
    const grant = await this.grants.create(
      { personId: request.personId, zoneId: request.zoneId, scheduleId: request.scheduleId, validUntil: request.validUntil },
      actor,
      { accessRequestId: request.id },
    );
    Object.assign(request, { status: 'approved', decidedByUserId: actor.id, decidedAt: now, decisionReason: reason, grantId: grant.id });
    await this.repo.save(request);
    this.logger.log(`access request ${id} approved by user ${actor.id}: grant ${grant.id}`);
    return (await this.views([request]))[0]!;
  }

  async refuse(id: string, reason: string | null, actor: Actor): Promise<AccessRequestView> {
    if (!reason || !reason.trim()) throw invalid('reason: say why the request is refused');
    const { request } = await this.decidable(id, actor);
    Object.assign(request, { status: 'refused', decidedByUserId: actor.id, decidedAt: this.clock.now(), decisionReason: reason.trim() });
    await this.repo.save(request);
    return (await this.views([request]))[0]!;
  }

  /** The requester (or an admin) withdraws a pending request. */
  async cancel(id: string, actor: Actor): Promise<AccessRequestView> {
    const request = await this.repo.findOneBy({ id });
    if (!request) throw notFound(`access request ${id}`);
    if (actor.role !== 'admin' && request.personId !== actor.personId)
      throw forbidden('Only the requester or an admin withdraws a request');
    if (request.status !== 'pending') throw conflict(`access request ${id} is already ${request.status}`);
    Object.assign(request, { status: 'cancelled', decidedByUserId: actor.id, decidedAt: this.clock.now(), decisionReason: null });
    await this.repo.save(request);
    return (await this.views([request]))[0]!;
  }

  /** Who may decide: an admin, or the zone's owner; never the person asking or whoever filed it. */
  private async decidable(id: string, actor: Actor): Promise<{ request: AccessRequestEntity; zone: ZoneEntity }> {
    const request = await this.repo.findOneBy({ id });
    if (!request) throw notFound(`access request ${id}`);
    const zone = await this.zones.findByIdOrFail(request.zoneId);
    const isOwner = actor.personId !== null && zone.ownerPersonId === actor.personId;
    if (actor.role !== 'admin' && !(actor.role === 'employee' && isOwner)) {
      throw forbidden(`Only the owner of ${zone.name} or an admin decides requests for it`);
    }
    if (request.status !== 'pending') throw conflict(`access request ${id} is already ${request.status}`);
    if (request.personId === actor.personId || request.requestedByUserId === actor.id) {
      throw separationOfDuties('nobody decides a request they made or that is for themselves; another owner or an admin must');
    }
    return { request, zone };
  }

  private async views(rows: AccessRequestEntity[]): Promise<AccessRequestView[]> {
    if (!rows.length) return [];
    const [people, zones, users] = await Promise.all([
      this.people.namesOfFew(rows.map((r) => r.personId)),
      this.zones.findByIds([...new Set(rows.map((r) => r.zoneId))]),
      this.users.refs(rows.flatMap((r) => [r.requestedByUserId, r.decidedByUserId])),
    ]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const zoneById = new Map(zones.map((z) => [z.id, z]));
    return rows.map((r) => {
      const zone = zoneById.get(r.zoneId);
      return {
        id: r.id,
        personId: r.personId,
        personName: names.get(r.personId) ?? r.personId,
        zoneId: r.zoneId,
        zoneName: zone?.name ?? r.zoneId,
        zoneLevel: zone?.level ?? 0,
        scheduleId: r.scheduleId,
        validUntil: r.validUntil,
        reason: r.reason,
        status: r.status,
        requestedBy: refOf(users, r.requestedByUserId),
        requestedAt: r.requestedAt,
        ownerPersonId: zone?.ownerPersonId ?? null,
        decidedBy: refOf(users, r.decidedByUserId),
        decidedAt: r.decidedAt,
        decisionReason: r.decisionReason,
        grantId: r.grantId,
      };
    });
  }
}
