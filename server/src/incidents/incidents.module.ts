import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { AlertRepositoryModule } from '../alerts/alert.repository.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { SiteModule } from '../site/site.module.js';
import { IncidentEntity, IncidentEntryEntity, ViolationEntity } from './incident.entity.js';
import { AlertIncidentController, IncidentsController, ViolationsController } from './incidents.controller.js';
import { IncidentsService } from './incidents.service.js';

/** Incidents, their timelines, violations and incident statistics. */
@Module({
  imports: [
    TypeOrmModule.forFeature([IncidentEntity, IncidentEntryEntity, ViolationEntity]),
    AlertRepositoryModule,
    DoorRepositoryModule,
    AuthModule,
    PersonRepositoryModule,
    ZoneRepositoryModule,
    AlertsModule,
    SiteModule,
  ],
  controllers: [IncidentsController, AlertIncidentController, ViolationsController],
  providers: [IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
