import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { ZoneView } from '@acs/shared/api/zones';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreateZoneDto } from './dto/create-zone.dto.js';
import type { UpdateZoneDto } from './dto/update-zone.dto.js';
import { ZoneEntity } from './zone.entity.js';
import { ADJACENCY_RULE, areAdjacent, wouldCycle } from './zone-rules.js';
import { PersonRepository } from '../people/person.repository.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { AccessRequestRepository } from '../access-requests/access-request.repository.js';
import { ReviewItemRepository } from '../reviews/review-item.repository.js';
import { DepartmentRepository } from '../departments/department.repository.js';
import { DoorRepository } from '../doors/door.repository.js';

/** Zones at or above this level need a named owner (docs/product-rules.md#zone-owners). */
export const OWNER_REQUIRED_FROM_LEVEL = 2;

export function toZoneView(z: ZoneEntity): ZoneView {
  return {
    id: z.id,
    name: z.name,
    level: z.level,
    parentId: z.parentId,
    ownerPersonId: z.ownerPersonId,
    antiPassback: z.antiPassback,
    twoPerson: z.twoPerson,
  };
}

/** What other domains may know of a zone: enough to check it exists, show it and apply its level's rules. */
export type ZoneSummary = Pick<ZoneEntity, 'id' | 'name' | 'level'>;

/**
 * Controlled areas: the zone tree with levels and owners. Every change is structural
 * (agents receive zones with their levels and nesting), so each is recorded as such.
 */
@Injectable()
export class ZonesService {
  constructor(
    @InjectRepository(ZoneEntity) private readonly repo: Repository<ZoneEntity>,
    private readonly people: PersonRepository,
    private readonly doors: DoorRepository,
    private readonly grants: GrantRepository,
    private readonly accessRequests: AccessRequestRepository,
    private readonly reviewItems: ReviewItemRepository,
    private readonly departments: DepartmentRepository,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ZoneView[]> {
    const zones = await this.repo.find({ order: { level: 'ASC', name: 'ASC' } });
    return zones.map(toZoneView);
  }

  async get(id: string): Promise<ZoneView> {
    const zone = await this.repo.findOneBy({ id });
    if (!zone) throw notFound(`zone ${id}`);
    return toZoneView(zone);
  }

  async create(dto: CreateZoneDto, actor?: Actor): Promise<ZoneView> {
    const problems: string[] = [];
    const parent = dto.parentId ? await this.repo.findOneBy({ id: dto.parentId }) : null;
    if (dto.parentId && !parent) problems.push(`parentId: no zone ${dto.parentId}`);
    if (parent && dto.level < parent.level) {
      problems.push(`level: an inner zone is at least as restricted as its outer zone ${parent.id} (L${parent.level})`);
    }
    problems.push(...(await this.ownerProblems(dto.level, dto.ownerPersonId ?? null)));
    if (problems.length) throw invalid(problems);
    const id = dto.id ?? `zone-${randomBytes(4).toString('hex')}`;
    const now = this.clock.now();
    const zone = this.repo.create({
      id,
      name: dto.name.trim(),
      level: dto.level,
      parentId: dto.parentId ?? null,
      ownerPersonId: dto.ownerPersonId ?? null,
      antiPassback: dto.antiPassback ?? 'off',
      // The manual's two-person rule is for L3; an admin may still switch it per zone.
      twoPerson: dto.twoPerson ?? dto.level >= 3,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.repo.insert(zone);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`zone ${id} already exists`);
      throw err;
    }
    await this.changes.record(`zone ${id} created`, { structural: true, actorUserId: actor?.id ?? null });
    return toZoneView(zone);
  }

  async update(id: string, dto: UpdateZoneDto, actor: Actor): Promise<ZoneView> {
    const all = await this.repo.find();
    const zone = all.find((z) => z.id === id);
    if (!zone) throw notFound(`zone ${id}`);
    const byId = new Map(all.map((z) => [z.id, z]));
    const level = dto.level ?? zone.level;
    const parentId = dto.parentId !== undefined ? dto.parentId : zone.parentId;
    const ownerPersonId = dto.ownerPersonId !== undefined ? dto.ownerPersonId : zone.ownerPersonId;

    const problems: string[] = [];
    const parent = parentId ? byId.get(parentId) : undefined;
    if (parentId && !parent) problems.push(`parentId: no zone ${parentId}`);
    if (wouldCycle(byId, id, parentId)) problems.push(`parentId: zone ${id} cannot be inside itself or one of its inner zones`);
    if (parent && level < parent.level) {
      problems.push(`level: an inner zone is at least as restricted as its outer zone ${parent.id} (L${parent.level})`);
    }
    const looserChildren = all.filter((z) => z.parentId === id && z.level < level);
    if (looserChildren.length) {
      problems.push(
        `level: inner zones ${looserChildren.map((z) => `${z.id} (L${z.level})`).join(', ')} would be less restricted than their outer zone`,
      );
    }
    if (dto.ownerPersonId !== undefined || level !== zone.level)
      problems.push(...(await this.ownerProblems(level, ownerPersonId, dto.ownerPersonId === undefined)));
    if (problems.length) throw invalid(problems);

    if (parentId !== zone.parentId) {
      // Moving a zone must not leave one of its doors joining zones that are no longer adjacent.
      const moved = new Map(byId);
      moved.set(id, Object.assign(new ZoneEntity(), zone, { parentId }));
      const doors = await this.doors.all();
      const broken = doors.filter((d) => !areAdjacent(moved, d.fromZoneId, d.toZoneId));
      if (broken.length) {
        throw conflict(`moving zone ${id} would break doors ${broken.map((d) => d.id).join(', ')}: ${ADJACENCY_RULE}`);
      }
    }

    if (dto.name !== undefined) zone.name = dto.name.trim();
    const previousLevel = zone.level;
    zone.level = level;
    zone.parentId = parentId;
    zone.ownerPersonId = ownerPersonId;
    if (dto.antiPassback !== undefined) zone.antiPassback = dto.antiPassback;
    if (dto.twoPerson !== undefined) zone.twoPerson = dto.twoPerson;
    // Raised to L3 without saying otherwise: the manual's two-person rule comes with the level.
    else if (level >= 3 && previousLevel < 3) zone.twoPerson = true;
    zone.updatedAt = this.clock.now();
    await this.repo.save(zone);
    await this.changes.record(`zone ${id} updated`, { structural: true, actorUserId: actor.id });
    return toZoneView(zone);
  }

  /** Only a zone nothing refers to: no inner zone, door, grant (even ended: it is the record), request or review. */
  async remove(id: string, actor: Actor): Promise<void> {
    const zone = await this.repo.findOneBy({ id });
    if (!zone) throw notFound(`zone ${id}`);
    const [children, doors, grants, requests, reviewItems, defaultFor] = await Promise.all([
      this.repo.countBy({ parentId: id }),
      this.doors.countTouchingZone(id),
      this.grants.countNamingZone(id),
      this.accessRequests.countNamingZone(id),
      this.reviewItems.countNamingZone(id),
      this.departments.namesDefaultingToZone(id),
    ]);
    const uses: string[] = [];
    if (children) uses.push(`${children} inner zone(s)`);
    if (doors) uses.push(`${doors} door(s)`);
    if (grants) uses.push(`${grants} grant(s), past or present`);
    if (requests) uses.push(`${requests} access request(s)`);
    if (reviewItems) uses.push(`${reviewItems} access-review item(s)`);
    if (defaultFor.length) uses.push(`the default zones of ${defaultFor.join(', ')}`);
    if (uses.length) throw conflict(`zone ${id} is in use (${uses.join('; ')}); only an unused zone can be deleted`);
    await this.repo.remove(zone);
    await this.changes.record(`zone ${id} deleted`, { structural: true, actorUserId: actor.id });
  }

  private async ownerProblems(level: number, ownerPersonId: string | null, ownerUnchanged = false): Promise<string[]> {
    if (level >= OWNER_REQUIRED_FROM_LEVEL && !ownerPersonId) {
      return [`ownerPersonId is required for a zone of level ${OWNER_REQUIRED_FROM_LEVEL} or above`];
    }
    if (!ownerPersonId) return [];
    const owner = await this.people.findById(ownerPersonId);
    if (!owner) return [`ownerPersonId: no person ${ownerPersonId}`];
    // An owner kept from before may have departed since; a new owner must be a current employee.
    if (ownerUnchanged) return [];
    if (owner.status !== 'active') return [`ownerPersonId: ${owner.name} has departed`];
    if (owner.kind !== 'employee') return [`ownerPersonId: the owner must be an employee, ${owner.name} is a ${owner.kind}`];
    return [];
  }

  // ---- asked by other domains (reception, equipment, alerts) --------------------------

  /** Id, name and level of the zones named, or of every zone when none are named. */
  async summaries(ids?: readonly string[]): Promise<ZoneSummary[]> {
    const select = { id: true, name: true, level: true } as const;
    if (!ids) return this.repo.find({ select });
    return ids.length ? this.repo.find({ select, where: { id: In([...new Set(ids)]) } }) : [];
  }
}
