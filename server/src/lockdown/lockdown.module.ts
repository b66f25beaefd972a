import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SiteModule } from '../site/site.module.js';
import { LockdownController } from './lockdown.controller.js';
import { LockdownService } from './lockdown.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([]), ZoneRepositoryModule, AuthModule, SiteModule, RealtimeModule],
  controllers: [LockdownController],
  providers: [LockdownService],
})
export class LockdownModule {}
