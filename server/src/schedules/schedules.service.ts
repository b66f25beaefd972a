import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Schedule } from '@acs/shared/mqtt/payloads';
import { conflict } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CreateScheduleDto } from './dto/create-schedule.dto.js';
import { ScheduleEntity } from './schedule.entity.js';

/** Schedules are returned exactly as agents receive them. */
export function toScheduleView(s: ScheduleEntity): Schedule {
  return { id: s.id, name: s.name, windows: s.windows, holidays: s.holidays };
}

@Injectable()
export class SchedulesService {
  constructor(
    @InjectRepository(ScheduleEntity) private readonly repo: Repository<ScheduleEntity>,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<Schedule[]> {
    const schedules = await this.repo.find({ order: { name: 'ASC' } });
    return schedules.map(toScheduleView);
  }

  async create(dto: CreateScheduleDto): Promise<Schedule> {
    const id = dto.id ?? `schedule-${randomBytes(4).toString('hex')}`;
    const now = this.clock.now();
    const schedule = this.repo.create({
      id,
      name: dto.name.trim(),
      windows: dto.windows.map((w) => ({ days: [...w.days].sort((a, b) => a - b), start: w.start, end: w.end })),
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
    await this.changes.record(`schedule ${id} created`, { structural: true });
    return toScheduleView(schedule);
  }
}
