import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { DoorsModule } from '../doors/doors.module.js';
import { EventsModule } from '../events/events.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SiteModule } from '../site/site.module.js';
import { ZonesModule } from '../zones/zones.module.js';
import { AlertEntity } from './alert.entity.js';
import { AlertEscalationService } from './alert-escalation.service.js';
import { AlertFoldingService } from './alert-folding.service.js';
import { AlertRulesService } from './alert-rules.service.js';
import { AlertTriggersService } from './alert-triggers.service.js';
import { AlertViews } from './alert-views.service.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';

/** Live alerts from agent events, presence and the other domains' signals. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AlertEntity]),
    AgentsModule,
    AuthModule,
    DoorsModule,
    EventsModule,
    SiteModule,
    ZonesModule,
    RealtimeModule,
  ],
  controllers: [AlertsController],
  providers: [AlertsService, AlertViews, AlertRulesService, AlertFoldingService, AlertEscalationService, AlertTriggersService],
  exports: [AlertsService, AlertRulesService],
})
export class AlertsModule {}
