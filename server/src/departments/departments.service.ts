import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { DepartmentView } from '@acs/shared/api/departments';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { newId } from '../common/ids.js';
import type { DepartmentZoneDto } from './dto/department.dto.js';
import { type DepartmentZone, DepartmentEntity } from './department.entity.js';
import { PersonRepository } from '../people/person.repository.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';

/** Department defaults stop at L1: controlled (L2) and restricted (L3) zones need their owner's approval. */
export const DEPARTMENT_DEFAULT_MAX_LEVEL = 1;

/**
 * Departments and their default zones. Defaults are granted when a person joins or moves
 * (see PeopleService); changing them later changes no one's grants, so nothing reaches
 * the doors from here.
 */
@Injectable()
export class DepartmentsService {
  constructor(
    @InjectRepository(DepartmentEntity) private readonly repo: Repository<DepartmentEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly people: PersonRepository,
    private readonly zones: ZoneRepository,
    private readonly schedules: ScheduleRepository,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<DepartmentView[]> {
    const [departments, people] = await Promise.all([this.repo.find({ order: { name: 'ASC' } }), this.people.departmentMemberships()]);
    const members = new Map<string, number>();
    for (const p of people) if (p.department && p.status === 'active') members.set(p.department, (members.get(p.department) ?? 0) + 1);
    return departments.map((d) => this.toView(d, members.get(d.name) ?? 0));
  }

  async get(id: string): Promise<DepartmentView> {
    const d = await this.repo.findOneBy({ id });
    if (!d) throw notFound(`department ${id}`);
    return this.toView(d, await this.people.countActiveMembers(d.name));
  }

  async create(dto: CreateDepartmentLike, _actor: Actor): Promise<DepartmentView> {
    const defaultZones = await this.checkZones(dto.defaultZones ?? []);
    const now = this.clock.now();
    const department = this.repo.create({ id: newId(), name: dto.name.trim(), defaultZones, createdAt: now, updatedAt: now });
    await this.save(department);
    return this.toView(department, 0);
  }

  async update(id: string, dto: Partial<CreateDepartmentLike>, _actor: Actor): Promise<DepartmentView> {
    const department = await this.repo.findOneBy({ id });
    if (!department) throw notFound(`department ${id}`);
    const defaultZones = dto.defaultZones !== undefined ? await this.checkZones(dto.defaultZones) : department.defaultZones;
    const oldName = department.name;
    const newName = dto.name !== undefined ? dto.name.trim() : oldName;
    if (newName !== oldName && (await this.repo.existsBy({ name: newName }))) throw conflict(`department ${newName} already exists`);
    await this.dataSource.transaction(async (m) => {
      department.name = newName;
      department.defaultZones = defaultZones;
      department.updatedAt = this.clock.now();
      await m.getRepository(DepartmentEntity).save(department);
      if (newName !== oldName) {
        // People name their department; a rename follows them.
        await this.people.renameDepartment(oldName, newName, department.updatedAt, m);
      }
    });
    return this.get(id);
  }

  /** Only without current members; departed people keep the name as history. */
  async remove(id: string, _actor: Actor): Promise<void> {
    const department = await this.repo.findOneBy({ id });
    if (!department) throw notFound(`department ${id}`);
    const members = await this.people.countActiveMembers(department.name);
    if (members) throw conflict(`department ${department.name} still has ${members} member(s); move them first`);
    await this.repo.remove(department);
  }

  async findByName(name: string): Promise<DepartmentEntity | null> {
    return this.repo.findOneBy({ name });
  }

  private async checkZones(zones: readonly DepartmentZoneDto[]): Promise<DepartmentZone[]> {
    const problems: string[] = [];
    const seen = new Set<string>();
    const out: DepartmentZone[] = [];
    for (const [i, z] of zones.entries()) {
      const zone = await this.zones.findById(z.zoneId);
      if (!zone) problems.push(`defaultZones.${i}.zoneId: no zone ${z.zoneId}`);
      else if (zone.level > DEPARTMENT_DEFAULT_MAX_LEVEL) {
        problems.push(
          `defaultZones.${i}.zoneId: ${zone.id} is L${zone.level}; department defaults stop at L${DEPARTMENT_DEFAULT_MAX_LEVEL} (higher zones need their owner's approval)`,
        );
      }
      if (seen.has(z.zoneId)) problems.push(`defaultZones.${i}.zoneId: ${z.zoneId} is listed twice`);
      seen.add(z.zoneId);
      if (z.scheduleId && !(await this.schedules.exists(z.scheduleId))) {
        problems.push(`defaultZones.${i}.scheduleId: no schedule ${z.scheduleId}`);
      }
      out.push({ zoneId: z.zoneId, scheduleId: z.scheduleId ?? null });
    }
    if (problems.length) throw invalid(problems);
    return out;
  }

  private async save(department: DepartmentEntity): Promise<void> {
    try {
      await this.repo.save(department);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`department ${department.name} already exists`);
      throw err;
    }
  }

  private toView(d: DepartmentEntity, memberCount: number): DepartmentView {
    return { id: d.id, name: d.name, defaultZones: d.defaultZones.map((z) => ({ ...z })), memberCount };
  }
}

interface CreateDepartmentLike {
  name: string;
  defaultZones?: DepartmentZoneDto[];
}
