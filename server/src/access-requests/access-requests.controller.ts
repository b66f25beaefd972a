import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { AccessRequestView } from '@acs/shared/api/access-requests';
import { ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { AccessRequestsService } from './access-requests.service.js';
import { CreateAccessRequestDto, DecideAccessRequestDto, ListAccessRequestsQuery } from './dto/access-request.dto.js';

const REQUESTERS = ['admin', 'employee'] as const;

@Controller('access-requests')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListAccessRequestsQuery): Promise<AccessRequestView[]> {
    return this.requests.list(auth, query);
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<AccessRequestView> {
    return this.requests.get(auth, id);
  }

  @Roles(REQUESTERS)
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateAccessRequestDto): Promise<AccessRequestView> {
    return this.requests.create(dto, auth.user);
  }

  /** The zone's owner or an admin. */
  @Roles(REQUESTERS)
  @Post(':id/approve')
  @HttpCode(200)
  approve(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: DecideAccessRequestDto): Promise<AccessRequestView> {
    return this.requests.approve(id, dto.reason ?? null, auth.user);
  }

  @Roles(REQUESTERS)
  @Post(':id/refuse')
  @HttpCode(200)
  refuse(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: DecideAccessRequestDto): Promise<AccessRequestView> {
    return this.requests.refuse(id, dto.reason ?? null, auth.user);
  }

  @Roles(REQUESTERS)
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<AccessRequestView> {
    return this.requests.cancel(id, auth.user);
  }
}
