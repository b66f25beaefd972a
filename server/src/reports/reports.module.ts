import { Module } from '@nestjs/common';
import { AlertRepositoryModule } from '../alerts/alert.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { EventsModule } from '../events/events.module.js';
import { EquipmentRepositoryModule } from '../equipment/equipment.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { PeopleModule } from '../people/people.module.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Streaming report exports: the rows come from the domains that own them. */
@Module({
  imports: [
    EventsModule,
    SiteModule,
    AuthModule,
    IncidentsModule,
    PeopleModule,
    ZoneRepositoryModule,
    GrantRepositoryModule,
    AlertRepositoryModule,
    EquipmentRepositoryModule,
  ],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
