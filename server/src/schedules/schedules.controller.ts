import { Body, Controller, Get, Post } from '@nestjs/common';
import type { Schedule } from '@acs/shared/mqtt/payloads';
import { ADMIN, ANY_ROLE, Roles } from '../auth/roles.js';
import { CreateScheduleDto } from './dto/create-schedule.dto.js';
import { SchedulesService } from './schedules.service.js';

@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(): Promise<Schedule[]> {
    return this.schedules.list();
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateScheduleDto): Promise<Schedule> {
    return this.schedules.create(dto);
  }
}
