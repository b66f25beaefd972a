import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { DoorView } from '@acs/shared/api/doors';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { ADJACENCY_RULE, areAdjacent } from '../zones/zone-rules.js';
import type { CreateDoorDto } from './dto/create-door.dto.js';
import type { UpdateDoorDto } from './dto/update-door.dto.js';
import { DoorEntity } from './door.entity.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { AgentRepository } from '../agents/agent.repository.js';

export const DEFAULT_RELEASE_MS = 5000;
export const DEFAULT_HELD_OPEN_MS = 30_000;

export function toDoorView(d: DoorEntity): DoorView {
  return {
    id: d.id,
    name: d.name,
    fromZoneId: d.fromZoneId,
    toZoneId: d.toZoneId,
    agentId: d.agentId,
    releaseMs: d.releaseMs,
    heldOpenMs: d.heldOpenMs,
    failMode: d.failMode,
  };
}

interface DoorShape {
  fromZoneId: string;
  toZoneId: string;
  agentId: string | null;
}

/** What other domains may know of a door: its name and the zone it leads into. */
export type DoorSummary = Pick<DoorEntity, 'id' | 'name' | 'toZoneId'>;

/** Doors join two adjacent zones (see zone-rules.ts); every change is structural for the agents. */
@Injectable()
export class DoorsService {
  constructor(
    @InjectRepository(DoorEntity) private readonly repo: Repository<DoorEntity>,
    private readonly zones: ZoneRepository,
    private readonly agents: AgentRepository,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<DoorView[]> {
    const doors = await this.repo.find({ order: { name: 'ASC' } });
    return doors.map(toDoorView);
  }

  async get(id: string): Promise<DoorView> {
    const door = await this.repo.findOneBy({ id });
    if (!door) throw notFound(`door ${id}`);
    return toDoorView(door);
  }

  async create(dto: CreateDoorDto, actor?: Actor): Promise<DoorView> {
    await this.check({ fromZoneId: dto.fromZoneId, toZoneId: dto.toZoneId, agentId: dto.agentId ?? null });
    const id = dto.id ?? `door-${randomBytes(4).toString('hex')}`;
    const now = this.clock.now();
    const door = this.repo.create({
      id,
      name: dto.name.trim(),
      fromZoneId: dto.fromZoneId,
      toZoneId: dto.toZoneId,
      agentId: dto.agentId ?? null,
      releaseMs: dto.releaseMs ?? DEFAULT_RELEASE_MS,
      heldOpenMs: dto.heldOpenMs ?? DEFAULT_HELD_OPEN_MS,
      failMode: dto.failMode ?? 'secure',
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.repo.insert(door);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`door ${id} already exists`);
      throw err;
    }
    await this.changes.record(`door ${id} created`, { structural: true, actorUserId: actor?.id ?? null });
    return toDoorView(door);
  }

  async update(id: string, dto: UpdateDoorDto, actor: Actor): Promise<DoorView> {
    const door = await this.repo.findOneBy({ id });
    if (!door) throw notFound(`door ${id}`);
    const shape: DoorShape = {
      fromZoneId: dto.fromZoneId ?? door.fromZoneId,
      toZoneId: dto.toZoneId ?? door.toZoneId,
      agentId: dto.agentId !== undefined ? dto.agentId : door.agentId,
    };
    await this.check(shape);
    if (dto.name !== undefined) door.name = dto.name.trim();
    Object.assign(door, shape);
    if (dto.releaseMs !== undefined) door.releaseMs = dto.releaseMs;
    if (dto.heldOpenMs !== undefined) door.heldOpenMs = dto.heldOpenMs;
    if (dto.failMode !== undefined) door.failMode = dto.failMode;
    door.updatedAt = this.clock.now();
    await this.repo.save(door);
    await this.changes.record(`door ${id} updated`, { structural: true, actorUserId: actor.id });
    return toDoorView(door);
  }

  /** Events keep the door id as text, so a door can always be removed; its agent stops serving it. */
  async remove(id: string, actor: Actor): Promise<void> {
    const door = await this.repo.findOneBy({ id });
    if (!door) throw notFound(`door ${id}`);
    await this.repo.remove(door);
    await this.changes.record(`door ${id} deleted`, { structural: true, actorUserId: actor.id });
  }

  private async check(shape: DoorShape): Promise<void> {
    const problems: string[] = [];
    if (shape.fromZoneId === shape.toZoneId) problems.push('toZoneId must differ from fromZoneId');
    const zones = new Map((await this.zones.all()).map((z) => [z.id, z]));
    for (const [field, zoneId] of [
      ['fromZoneId', shape.fromZoneId],
      ['toZoneId', shape.toZoneId],
    ] as const) {
      if (!zones.has(zoneId)) problems.push(`${field}: no zone ${zoneId}`);
    }
    if (shape.agentId && !(await this.agents.exists(shape.agentId))) problems.push(`agentId: no agent ${shape.agentId}`);
    if (!problems.length && !areAdjacent(zones, shape.fromZoneId, shape.toZoneId)) {
      problems.push(`zones ${shape.fromZoneId} and ${shape.toZoneId} are not adjacent: ${ADJACENCY_RULE}`);
    }
    if (problems.length) throw invalid(problems);
  }

  // ---- asked by alerts ----------------------------------------------------------------

  /** Id, name and the zone it leads into, of the doors named, or of every door when none are named. */
  async summaries(ids?: readonly string[]): Promise<DoorSummary[]> {
    const select = { id: true, name: true, toZoneId: true } as const;
    if (!ids) return this.repo.find({ select });
    return ids.length ? this.repo.find({ select, where: { id: In([...new Set(ids)]) } }) : [];
  }
}
