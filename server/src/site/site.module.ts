import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PermissionChangesService } from './permission-changes.service.js';
import { PermissionChangeEntity } from './permission-change.entity.js';
import { SiteSettingsEntity } from './site-settings.entity.js';
import { SiteService } from './site.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SiteSettingsEntity, PermissionChangeEntity])],
  providers: [SiteService, PermissionChangesService],
  exports: [SiteService, PermissionChangesService],
})
export class SiteModule {}
