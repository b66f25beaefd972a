import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Schedule } from '@acs/shared/mqtt/payloads';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CreateScheduleDto } from './dto/create-schedule.dto.js';
import { UpdateScheduleDto } from './dto/update-schedule.dto.js';
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
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateScheduleDto): Promise<Schedule> {
    return this.schedules.create(dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateScheduleDto): Promise<Schedule> {
    return this.schedules.update(id, dto, auth.user);
  }

  @Roles(ADMIN)
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.schedules.remove(id, auth.user);
  }
}
