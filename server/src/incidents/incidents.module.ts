import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertEntity } from '../alerts/alert.entity.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { UserEntity } from '../auth/user.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { IncidentEntity, IncidentEntryEntity, ViolationEntity } from './incident.entity.js';
import { AlertIncidentController, IncidentsController, ViolationsController } from './incidents.controller.js';
import { IncidentsService } from './incidents.service.js';

/** Incidents, their timelines, violations and incident statistics (issue 6). */
@Module({
  imports: [TypeOrmModule.forFeature([IncidentEntity, IncidentEntryEntity, ViolationEntity, UserEntity, PersonEntity, ZoneEntity, AlertEntity]), AlertsModule, SiteModule],
  controllers: [IncidentsController, AlertIncidentController, ViolationsController],
  providers: [IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
