import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { EquipmentView, SealView } from '@acs/shared/api/equipment';
import { type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { ApplySealDto, InspectSealDto, ReplaceSealDto, ReturnToServiceDto } from './dto/seal.dto.js';
import { SealsService } from './seals.service.js';

const COUNTER = ['admin', 'guard'] as const;

@Controller('seals')
export class SealsController {
  constructor(private readonly seals: SealsService) {}

  @Roles(STAFF)
  @Get()
  list(): Promise<SealView[]> {
    return this.seals.listSeals();
  }

  @Roles(COUNTER)
  @Post()
  apply(@CurrentAuth() auth: AuthContext, @Body() dto: ApplySealDto): Promise<SealView> {
    return this.seals.applySeal(dto, auth.user);
  }

  @Roles(COUNTER)
  @Post(':id/inspect')
  @HttpCode(200)
  inspect(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: InspectSealDto): Promise<SealView> {
    return this.seals.inspectSeal(id, dto, auth.user);
  }

  @Roles(COUNTER)
  @Post(':id/replace')
  @HttpCode(200)
  replace(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: ReplaceSealDto): Promise<SealView> {
    return this.seals.replaceSeal(id, dto, auth.user);
  }
}

/** Return to service after repair stays under /equipment; the seal or tamper check is this domain's. */
@Controller('equipment')
export class ReturnToServiceController {
  constructor(private readonly seals: SealsService) {}

  @Roles(COUNTER)
  @Post(':id/return-to-service')
  @HttpCode(200)
  returnToService(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: ReturnToServiceDto): Promise<EquipmentView> {
    return this.seals.returnToService(id, dto, auth.user);
  }
}
