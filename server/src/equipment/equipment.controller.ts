import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { EquipmentView, MovementView } from '@acs/shared/api/equipment';
import { ANY_ROLE, type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { CreateEquipmentDto, ListMovementsQuery, MediaCheckDto, UpdateEquipmentDto } from './dto/equipment.dto.js';
import { EquipmentService } from './equipment.service.js';
import { MediaCheckService } from './media-check.service.js';
import { MovementLogService } from './movement-log.service.js';

const COUNTER = ['admin', 'guard'] as const;

@Controller('equipment')
export class EquipmentController {
  constructor(
    private readonly equipment: EquipmentService,
    private readonly movementLog: MovementLogService,
    private readonly media: MediaCheckService,
  ) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@Query('q') q?: string): Promise<EquipmentView[]> {
    return this.equipment.list(typeof q === 'string' ? q.slice(0, 100) : undefined);
  }

  @Roles(STAFF)
  @Get('movements')
  movements(@Query() query: ListMovementsQuery): Promise<MovementView[]> {
    return this.movementLog.list(query);
  }

  @Roles(COUNTER)
  @Post()
  register(@CurrentAuth() auth: AuthContext, @Body() dto: CreateEquipmentDto): Promise<EquipmentView> {
    return this.equipment.register(dto, auth.user);
  }

  @Roles(COUNTER)
  @Post('media-check')
  @HttpCode(200)
  mediaCheck(@CurrentAuth() auth: AuthContext, @Body() dto: MediaCheckDto) {
    return this.media.mediaCheck(dto, auth.user);
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  detail(@Param('id') id: string): Promise<EquipmentView> {
    return this.equipment.detail(id);
  }

  @Roles(COUNTER)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateEquipmentDto): Promise<EquipmentView> {
    return this.equipment.update(id, dto, auth.user);
  }
}
