import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { ZoneView } from '@acs/shared/api/views';
import { conflict, invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PersonEntity } from '../people/person.entity.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreateZoneDto } from './dto/create-zone.dto.js';
import { ZoneEntity } from './zone.entity.js';

/** Zones at or above this level need a named owner (requirements §1, responsibility). */
export const OWNER_REQUIRED_FROM_LEVEL = 2;

export function toZoneView(z: ZoneEntity): ZoneView {
  return {
    id: z.id,
    name: z.name,
    level: z.level,
    parentId: z.parentId,
    ownerPersonId: z.ownerPersonId,
    antiPassback: z.antiPassback,
  };
}

@Injectable()
export class ZonesService {
  constructor(
    @InjectRepository(ZoneEntity) private readonly repo: Repository<ZoneEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ZoneView[]> {
    const zones = await this.repo.find({ order: { level: 'ASC', name: 'ASC' } });
    return zones.map(toZoneView);
  }

  async create(dto: CreateZoneDto): Promise<ZoneView> {
    const problems: string[] = [];
    if (dto.parentId && !(await this.repo.existsBy({ id: dto.parentId }))) problems.push(`parentId: no zone ${dto.parentId}`);
    if (dto.ownerPersonId && !(await this.people.existsBy({ id: dto.ownerPersonId }))) {
      problems.push(`ownerPersonId: no person ${dto.ownerPersonId}`);
    }
    if (dto.level >= OWNER_REQUIRED_FROM_LEVEL && !dto.ownerPersonId) {
      problems.push(`ownerPersonId is required for a zone of level ${OWNER_REQUIRED_FROM_LEVEL} or above`);
    }
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
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.repo.insert(zone);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`zone ${id} already exists`);
      throw err;
    }
    await this.changes.record(`zone ${id} created`, { structural: true });
    return toZoneView(zone);
  }
}
