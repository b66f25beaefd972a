import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { CheckpointDecision, EquipmentView, GatePassView, MovementView, SealView } from '@acs/shared/api/equipment';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import {
  ApplySealDto,
  CheckpointDto,
  CreateEquipmentDto,
  CreateGatePassDto,
  DecideGatePassDto,
  InspectSealDto,
  ListGatePassesQuery,
  ListMovementsQuery,
  MediaCheckDto,
  RecordDataHandlingDto,
  ReplaceSealDto,
  ReturnToServiceDto,
  UpdateEquipmentDto,
} from './dto/equipment.dto.js';
import { EquipmentService } from './equipment.service.js';

const COUNTER = ['admin', 'guard'] as const;

@Controller('equipment')
export class EquipmentController {
  constructor(private readonly equipment: EquipmentService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@Query('q') q?: string): Promise<EquipmentView[]> {
    return this.equipment.list(typeof q === 'string' ? q.slice(0, 100) : undefined);
  }

  @Roles(STAFF)
  @Get('movements')
  movements(@Query() query: ListMovementsQuery): Promise<MovementView[]> {
    return this.equipment.listMovements(query);
  }

  @Roles(COUNTER)
  @Post()
  register(@CurrentAuth() auth: AuthContext, @Body() dto: CreateEquipmentDto): Promise<EquipmentView> {
    return this.equipment.register(dto, auth.user);
  }

  @Roles(COUNTER)
  @Post('checkpoint')
  @HttpCode(200)
  checkpoint(@CurrentAuth() auth: AuthContext, @Body() dto: CheckpointDto): Promise<CheckpointDecision> {
    return this.equipment.checkpoint(dto, auth.user);
  }

  @Roles(COUNTER)
  @Post('media-check')
  @HttpCode(200)
  mediaCheck(@CurrentAuth() auth: AuthContext, @Body() dto: MediaCheckDto) {
    return this.equipment.mediaCheck(dto, auth.user);
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

  @Roles(COUNTER)
  @Post(':id/return-to-service')
  @HttpCode(200)
  returnToService(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: ReturnToServiceDto): Promise<EquipmentView> {
    return this.equipment.returnToService(id, dto, auth.user);
  }
}

@Controller('gate-passes')
export class GatePassesController {
  constructor(private readonly equipment: EquipmentService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListGatePassesQuery): Promise<GatePassView[]> {
    return this.equipment.listPasses(query, auth.user);
  }

  /** Employees request passes for the items they take out; someone else approves. */
  @Roles(['admin', 'guard', 'employee'])
  @Post()
  request(@CurrentAuth() auth: AuthContext, @Body() dto: CreateGatePassDto): Promise<GatePassView> {
    return this.equipment.requestPass(dto, auth.user);
  }

  @Roles(ADMIN)
  @Post(':id/decision')
  @HttpCode(200)
  decide(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: DecideGatePassDto): Promise<GatePassView> {
    return this.equipment.decidePass(id, dto, auth.user);
  }

  @Roles(['admin', 'guard', 'employee'])
  @Post(':id/data-handling')
  @HttpCode(200)
  dataHandling(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: RecordDataHandlingDto): Promise<GatePassView> {
    return this.equipment.recordDataHandling(id, dto, auth.user);
  }

  @Roles(['admin', 'guard', 'employee'])
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<GatePassView> {
    return this.equipment.cancelPass(id, auth.user);
  }
}

@Controller('seals')
export class SealsController {
  constructor(private readonly equipment: EquipmentService) {}

  @Roles(STAFF)
  @Get()
  list(): Promise<SealView[]> {
    return this.equipment.listSeals();
  }

  @Roles(COUNTER)
  @Post()
  apply(@CurrentAuth() auth: AuthContext, @Body() dto: ApplySealDto): Promise<SealView> {
    return this.equipment.applySeal(dto, auth.user);
  }

  @Roles(COUNTER)
  @Post(':id/inspect')
  @HttpCode(200)
  inspect(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: InspectSealDto): Promise<SealView> {
    return this.equipment.inspectSeal(id, dto, auth.user);
  }

  @Roles(COUNTER)
  @Post(':id/replace')
  @HttpCode(200)
  replace(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: ReplaceSealDto): Promise<SealView> {
    return this.equipment.replaceSeal(id, dto, auth.user);
  }
}
