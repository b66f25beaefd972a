import { Body, Controller, Get, Post } from '@nestjs/common';
import type { DoorView } from '@acs/shared/api/views';
import { ADMIN, ANY_ROLE, Roles } from '../auth/roles.js';
import { DoorsService } from './doors.service.js';
import { CreateDoorDto } from './dto/create-door.dto.js';

@Controller('doors')
export class DoorsController {
  constructor(private readonly doors: DoorsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(): Promise<DoorView[]> {
    return this.doors.list();
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateDoorDto): Promise<DoorView> {
    return this.doors.create(dto);
  }
}
