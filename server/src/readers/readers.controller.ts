import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import type { ReaderKeyOperationView, ReaderView } from '@acs/shared/readers/reader-views';
import { ADMIN, type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { ProvisioningWindowDto } from './dto/provisioning-window.dto.js';
import { ReadersService } from './readers.service.js';

@Controller('readers')
export class ReadersController {
  constructor(private readonly readers: ReadersService) {}

  @Roles(STAFF)
  @Get()
  list(): Promise<ReaderView[]> {
    return this.readers.list();
  }

  @Roles(STAFF)
  @Get(':id/operations')
  operations(@Param('id') id: string): Promise<ReaderKeyOperationView[]> {
    return this.readers.operationsOf(id);
  }

  @Roles(ADMIN)
  @Post(':id/provisioning-window')
  openProvisioningWindow(
    @Param('id') id: string,
    @Body() dto: ProvisioningWindowDto,
    @CurrentAuth() auth: AuthContext,
  ): Promise<ReaderKeyOperationView> {
    return this.readers.openProvisioningWindow(id, dto.minutes, auth.user.id);
  }

  @Roles(ADMIN)
  @Post(':id/keys')
  installKey(@Param('id') id: string, @CurrentAuth() auth: AuthContext): Promise<ReaderKeyOperationView> {
    return this.readers.installKey(id, auth.user.id);
  }
}
