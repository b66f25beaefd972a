import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { CardRepositoryModule } from '../cards/card.repository.js';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { MqttModule } from '../mqtt/mqtt.module.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { VisitRepositoryModule } from '../reception/visit.repository.js';
import { ScheduleRepositoryModule } from '../schedules/schedule.repository.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { PermissionCompiler } from './permission-compiler.js';
import { PermissionDeliveryEntity } from './permission-delivery.entity.js';
import { PermissionSyncService } from './permission-sync.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([PermissionDeliveryEntity]),
    SiteModule,
    AgentsModule,
    MqttModule,
    ZoneRepositoryModule,
    DoorRepositoryModule,
    ScheduleRepositoryModule,
    CardRepositoryModule,
    GrantRepositoryModule,
    PersonRepositoryModule,
    VisitRepositoryModule,
  ],
  providers: [PermissionCompiler, PermissionSyncService],
  exports: [PermissionCompiler, PermissionSyncService],
})
export class SyncModule {}
