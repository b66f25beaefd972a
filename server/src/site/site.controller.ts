import { Body, Controller, Get, Patch } from '@nestjs/common';
import type { SiteView } from '@acs/shared/api/site';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { UpdateSiteDto } from './dto/update-site.dto.js';
import { SiteAdminService } from './site-admin.service.js';

@Controller('site')
export class SiteController {
  constructor(private readonly site: SiteAdminService) {}

  /** Every role reads it: level names and card types label what employees see too. */
  @Roles(ANY_ROLE)
  @Get()
  get(): Promise<SiteView> {
    return this.site.view();
  }

  @Roles(ADMIN)
  @Patch()
  update(@CurrentAuth() auth: AuthContext, @Body() dto: UpdateSiteDto): Promise<SiteView> {
    return this.site.update(dto, auth.user);
  }
}
