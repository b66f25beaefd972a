import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { AlertView } from '@acs/shared/api/alerts';
import { type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { AcknowledgeAlertDto, ListAlertsQuery } from './dto/alerts.dto.js';
import { AlertsService } from './alerts.service.js';

@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Roles(STAFF)
  @Get()
  list(@Query() query: ListAlertsQuery): Promise<AlertView[]> {
    return this.alerts.list(query.scope ?? 'active');
  }

  @Roles(['admin', 'guard'])
  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: AcknowledgeAlertDto): Promise<AlertView> {
    return this.alerts.acknowledge(id, dto.note, auth.user);
  }
}
