import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { LockdownView } from '@acs/shared/api/lockdown';
import { type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { LockdownCommandDto } from './dto/lockdown.dto.js';
import { LockdownService } from './lockdown.service.js';

const OPERATORS = ['admin', 'guard'] as const;

@Controller('lockdown')
export class LockdownController {
  constructor(private readonly lockdown: LockdownService) {}

  @Roles(STAFF)
  @Get()
  get(): Promise<LockdownView> {
    return this.lockdown.view();
  }

  @Roles(OPERATORS)
  @Post('start')
  @HttpCode(200)
  start(@CurrentAuth() auth: AuthContext, @Body() dto: LockdownCommandDto): Promise<LockdownView> {
    return this.lockdown.start(dto, auth.user);
  }

  @Roles(OPERATORS)
  @Post('end')
  @HttpCode(200)
  end(@CurrentAuth() auth: AuthContext, @Body() dto: LockdownCommandDto): Promise<LockdownView> {
    return this.lockdown.end(dto, auth.user);
  }
}
