import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import type { LegalHoldView, RetentionRunView, RetentionSettingsView } from '@acs/shared/api/retention';
import { ADMIN, AUDIT_READERS, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CreateLegalHoldDto, RetentionSettingsDto } from './retention.dto.js';
import { RetentionService } from './retention.service.js';

@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Roles(AUDIT_READERS)
  @Get()
  settings(): Promise<RetentionSettingsView> {
    return this.retention.settings();
  }

  @Roles(ADMIN)
  @Put()
  update(@Body() dto: RetentionSettingsDto): Promise<RetentionSettingsView> {
    return this.retention.updateSettings(dto);
  }

  /** Runs the hourly pass now. */
  @Roles(ADMIN)
  @Post('run')
  @HttpCode(200)
  run(@CurrentAuth() auth: AuthContext): Promise<RetentionRunView> {
    return this.retention.run(Date.now(), auth.user);
  }

  @Roles(AUDIT_READERS)
  @Get('holds')
  holds(): Promise<LegalHoldView[]> {
    return this.retention.listHolds();
  }

  @Roles(ADMIN)
  @Post('holds')
  place(@CurrentAuth() auth: AuthContext, @Body() dto: CreateLegalHoldDto): Promise<LegalHoldView> {
    return this.retention.placeHold(dto, auth.user);
  }

  @Roles(ADMIN)
  @Post('holds/:id/release')
  @HttpCode(200)
  release(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<LegalHoldView> {
    return this.retention.releaseHold(id, auth.user);
  }
}
