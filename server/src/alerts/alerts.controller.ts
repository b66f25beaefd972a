import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import type { AlertRulesView } from '@acs/shared/api/incidents';
import type { AlertView } from '@acs/shared/api/alerts';
import { type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { AcknowledgeAlertDto, AlertRulesDto, ListAlertsQuery } from './dto/alerts.dto.js';
import { AlertRulesService } from './alert-rules.service.js';
import { AlertsService } from './alerts.service.js';

@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly alertRules: AlertRulesService,
  ) {}

  @Roles(STAFF)
  @Get()
  list(@Query() query: ListAlertsQuery): Promise<AlertView[]> {
    return this.alerts.list(query.scope ?? 'active');
  }

  @Roles(STAFF)
  @Get('rules')
  rules(): Promise<AlertRulesView> {
    return this.alertRules.rules();
  }

  @Roles(['admin'])
  @Put('rules')
  updateRules(@Body() dto: AlertRulesDto): Promise<AlertRulesView> {
    return this.alertRules.updateRules(dto);
  }

  @Roles(['admin', 'guard'])
  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: AcknowledgeAlertDto): Promise<AlertView> {
    return this.alerts.acknowledge(id, dto.note, auth.user);
  }
}
