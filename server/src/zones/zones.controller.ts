import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { ZoneView } from '@acs/shared/api/zones';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CreateZoneDto } from './dto/create-zone.dto.js';
import { UpdateZoneDto } from './dto/update-zone.dto.js';
import { ZonesService } from './zones.service.js';

@Controller('zones')
export class ZonesController {
  constructor(private readonly zones: ZonesService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(): Promise<ZoneView[]> {
    return this.zones.list();
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  get(@Param('id') id: string): Promise<ZoneView> {
    return this.zones.get(id);
  }

  @Roles(ADMIN)
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateZoneDto): Promise<ZoneView> {
    return this.zones.create(dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateZoneDto): Promise<ZoneView> {
    return this.zones.update(id, dto, auth.user);
  }

  @Roles(ADMIN)
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.zones.remove(id, auth.user);
  }
}
