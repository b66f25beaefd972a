import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Schedule, ScheduleWindow } from '@acs/shared/mqtt/payloads';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreateScheduleDto, ScheduleWindowDto } from './dto/create-schedule.dto.js';
import type { UpdateScheduleDto } from './dto/update-schedule.dto.js';
import { ScheduleEntity } from './schedule.entity.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { AccessRequestRepository } from '../access-requests/access-request.repository.js';
import { ReviewItemRepository } from '../reviews/review-item.repository.js';
import { DepartmentRepository } from '../departments/department.repository.js';

/** Schedules are returned exactly as agents receive them. */
export function toScheduleView(s: ScheduleEntity): Schedule {
  return { id: s.id, name: s.name, windows: s.windows, holidays: s.holidays };
}

/** Weekly windows in the site's time zone; an end before the start runs past midnight. An empty window is refused. */
function normaliseWindows(windows: readonly ScheduleWindowDto[]): ScheduleWindow[] {
  const problems = windows.flatMap((w, i) =>
    w.start === w.end ? [`windows.${i}: start and end are both ${w.start}; the window would be empty`] : [],
  );
  if (problems.length) throw invalid(problems);
  return windows.map((w) => ({ days: [...w.days].sort((a, b) => a - b), start: w.start, end: w.end }));
}

@Injectable()
export class SchedulesService {
  constructor(
    @InjectRepository(ScheduleEntity) private readonly repo: Repository<ScheduleEntity>,
    private readonly grants: GrantRepository,
    private readonly accessRequests: AccessRequestRepository,
    private readonly reviewItems: ReviewItemRepository,
    private readonly departments: DepartmentRepository,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<Schedule[]> {
    const schedules = await this.repo.find({ order: { name: 'ASC' } });
    return schedules.map(toScheduleView);
  }

  async create(dto: CreateScheduleDto, actor?: Actor): Promise<Schedule> {
    const id = dto.id ?? `schedule-${randomBytes(4).toString('hex')}`;
    const now = this.clock.now();
    const schedule = this.repo.create({
      id,
      name: dto.name.trim(),
      windows: normaliseWindows(dto.windows),
      holidays: dto.holidays,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.repo.insert(schedule);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`schedule ${id} already exists`);
      throw err;
    }
    await this.changes.record(`schedule ${id} created`, { structural: true, actorUserId: actor?.id ?? null });
    return toScheduleView(schedule);
  }

  async update(id: string, dto: UpdateScheduleDto, actor: Actor): Promise<Schedule> {
    const schedule = await this.repo.findOneBy({ id });
    if (!schedule) throw notFound(`schedule ${id}`);
    if (dto.name !== undefined) schedule.name = dto.name.trim();
    if (dto.windows !== undefined) schedule.windows = normaliseWindows(dto.windows);
    if (dto.holidays !== undefined) schedule.holidays = dto.holidays;
    schedule.updatedAt = this.clock.now();
    await this.repo.save(schedule);
    await this.changes.record(`schedule ${id} updated`, { structural: true, actorUserId: actor.id });
    return toScheduleView(schedule);
  }

  /** Only a schedule no grant (past or present), request, review or department default names. */
  async remove(id: string, actor: Actor): Promise<void> {
    const schedule = await this.repo.findOneBy({ id });
    if (!schedule) throw notFound(`schedule ${id}`);
    const [grants, requests, reviewItems, defaultFor] = await Promise.all([
      this.grants.countNamingSchedule(id),
      this.accessRequests.countNamingSchedule(id),
      this.reviewItems.countNamingSchedule(id),
      this.departments.namesDefaultingToSchedule(id),
    ]);
    const uses: string[] = [];
    if (grants) uses.push(`${grants} grant(s), past or present`);
    if (requests) uses.push(`${requests} access request(s)`);
    if (reviewItems) uses.push(`${reviewItems} access-review item(s)`);
    if (defaultFor.length) uses.push(`the default zones of ${defaultFor.join(', ')}`);
    if (uses.length) throw conflict(`schedule ${id} is in use (${uses.join('; ')}); only an unused schedule can be deleted`);
    await this.repo.remove(schedule);
    await this.changes.record(`schedule ${id} deleted`, { structural: true, actorUserId: actor.id });
  }
}
