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
    return this.grants.list(auth, query.personId);
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateGrantDto): Promise<GrantView> {
    return this.grants.create(dto);
  }

  @Roles(ADMIN)
  @Delete(':id')
  @HttpCode(204)
  revoke(@Param('id') id: string): Promise<void> {
    return this.grants.revoke(id);
  }
}
