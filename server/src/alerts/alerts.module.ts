import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { DoorEntity } from '../doors/door.entity.js';
import { EventEntity } from '../events/event.entity.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AlertEntity } from './alert.entity.js';
import { AgentEntity } from '../agents/agent.entity.js';
import { SiteSettingsEntity } from '../site/site-settings.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';

/** Live alerts from agent events, presence and the other domains' signals (issue 6). */
@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, DoorEntity, UserEntity, ZoneEntity, AgentEntity, SiteSettingsEntity, EventEntity]), RealtimeModule],
  controllers: [AlertsController],
  providers: [AlertsService],
  exports: [AlertsService],
})
export class AlertsModule {}
