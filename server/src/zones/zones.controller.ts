import { Body, Controller, Get, Post } from '@nestjs/common';
import type { ZoneView } from '@acs/shared/api/views';
import { ADMIN, ANY_ROLE, Roles } from '../auth/roles.js';
import { CreateZoneDto } from './dto/create-zone.dto.js';
import { ZonesService } from './zones.service.js';

@Controller('zones')
export class ZonesController {
  constructor(private readonly zones: ZonesService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(): Promise<ZoneView[]> {
    return this.zones.list();
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateZoneDto): Promise<ZoneView> {
    return this.zones.create(dto);
  }
}
