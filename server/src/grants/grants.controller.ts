import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ADMIN, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CreateGrantDto } from './dto/create-grant.dto.js';
import { ListGrantsQuery } from './dto/list-grants.query.js';
import type { GrantView } from './grant.view.js';
import { GrantsService } from './grants.service.js';

@Controller('grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Roles(['admin', 'auditor', 'employee'])
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListGrantsQuery): Promise<GrantView[]> {
    return this.grants.list(auth, query.personId, query.zoneId);
  }

  @Roles(ADMIN)
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateGrantDto): Promise<GrantView> {
    return this.grants.create(dto, auth.user);
  }

  @Roles(ADMIN)
  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.grants.revoke(id, auth.user);
  }
}
