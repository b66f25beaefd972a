import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SiteModule } from '../site/site.module.js';
import { SiteSettingsEntity } from '../site/site-settings.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { LockdownController } from './lockdown.controller.js';
import { LockdownService } from './lockdown.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SiteSettingsEntity, ZoneEntity, UserEntity]), SiteModule, RealtimeModule],
  controllers: [LockdownController],
  providers: [LockdownService],
})
export class LockdownModule {}
