import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PermissionChangesService } from './permission-changes.service.js';
import { PermissionChangeEntity } from './permission-change.entity.js';
import { SiteAdminService } from './site-admin.service.js';
import { SiteSettingsEntity } from './site-settings.entity.js';
import { SiteController } from './site.controller.js';
import { SiteService } from './site.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SiteSettingsEntity, PermissionChangeEntity])],
  controllers: [SiteController],
  providers: [SiteService, PermissionChangesService, SiteAdminService],
  exports: [SiteService, PermissionChangesService, SiteAdminService],
})
export class SiteModule {}
