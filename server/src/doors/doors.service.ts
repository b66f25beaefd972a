import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { DoorView } from '@acs/shared/api/views';
import { AgentEntity } from '../agents/agent.entity.js';
import { conflict, invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import type { CreateDoorDto } from './dto/create-door.dto.js';
import { DoorEntity } from './door.entity.js';

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
  };
}

@Injectable()
export class DoorsService {
  constructor(
    @InjectRepository(DoorEntity) private readonly repo: Repository<DoorEntity>,
    @InjectRepository(ZoneEntity) private readonly zones: Repository<ZoneEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<DoorView[]> {
    const doors = await this.repo.find({ order: { name: 'ASC' } });
    return doors.map(toDoorView);
  }

  async create(dto: CreateDoorDto): Promise<DoorView> {
    const problems: string[] = [];
    if (dto.fromZoneId === dto.toZoneId) problems.push('toZoneId must differ from fromZoneId');
    for (const [field, zoneId] of [
      ['fromZoneId', dto.fromZoneId],
      ['toZoneId', dto.toZoneId],
    ] as const) {
      if (!(await this.zones.existsBy({ id: zoneId }))) problems.push(`${field}: no zone ${zoneId}`);
    }
    if (dto.agentId && !(await this.agents.existsBy({ id: dto.agentId }))) problems.push(`agentId: no agent ${dto.agentId}`);
    if (problems.length) throw invalid(problems);
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
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.repo.insert(door);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`door ${id} already exists`);
      throw err;
    }
    await this.changes.record(`door ${id} created`, { structural: true });
    return toDoorView(door);
  }
}
