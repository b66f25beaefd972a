import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { DoorView } from '@acs/shared/api/doors';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { DoorsService } from './doors.service.js';
import { CreateDoorDto } from './dto/create-door.dto.js';
import { UpdateDoorDto } from './dto/update-door.dto.js';

@Controller('doors')
export class DoorsController {
  constructor(private readonly doors: DoorsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(): Promise<DoorView[]> {
    return this.doors.list();
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  get(@Param('id') id: string): Promise<DoorView> {
    return this.doors.get(id);
  }

  @Roles(ADMIN)
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateDoorDto): Promise<DoorView> {
    return this.doors.create(dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateDoorDto): Promise<DoorView> {
    return this.doors.update(id, dto, auth.user);
  }

  @Roles(ADMIN)
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.doors.remove(id, auth.user);
  }
}
