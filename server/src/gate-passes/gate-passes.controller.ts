import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { CheckpointDecision, GatePassView } from '@acs/shared/api/equipment';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CheckpointDto, CreateGatePassDto, DecideGatePassDto, ListGatePassesQuery, RecordDataHandlingDto } from './dto/gate-pass.dto.js';
import { CheckpointService } from './checkpoint.service.js';
import { GatePassesService } from './gate-passes.service.js';

const COUNTER = ['admin', 'guard'] as const;

@Controller('gate-passes')
export class GatePassesController {
  constructor(private readonly gatePasses: GatePassesService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListGatePassesQuery): Promise<GatePassView[]> {
    return this.gatePasses.listPasses(query, auth.user);
  }

  /** Employees request passes for the items they take out; someone else approves. */
  @Roles(['admin', 'guard', 'employee'])
  @Post()
  request(@CurrentAuth() auth: AuthContext, @Body() dto: CreateGatePassDto): Promise<GatePassView> {
    return this.gatePasses.requestPass(dto, auth.user);
  }

  @Roles(ADMIN)
  @Post(':id/decision')
  @HttpCode(200)
  decide(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: DecideGatePassDto): Promise<GatePassView> {
    return this.gatePasses.decidePass(id, dto, auth.user);
  }

  @Roles(['admin', 'guard', 'employee'])
  @Post(':id/data-handling')
  @HttpCode(200)
  dataHandling(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: RecordDataHandlingDto): Promise<GatePassView> {
    return this.gatePasses.recordDataHandling(id, dto, auth.user);
  }

  @Roles(['admin', 'guard', 'employee'])
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<GatePassView> {
    return this.gatePasses.cancelPass(id, auth.user);
  }
}

/** The checkpoint sits under /equipment, where the guard's screen has always found it. */
@Controller('equipment')
export class CheckpointController {
  constructor(private readonly checkpoints: CheckpointService) {}

  @Roles(COUNTER)
  @Post('checkpoint')
  @HttpCode(200)
  checkpoint(@CurrentAuth() auth: AuthContext, @Body() dto: CheckpointDto): Promise<CheckpointDecision> {
    return this.checkpoints.checkpoint(dto, auth.user);
  }
}
