import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CardsModule } from '../cards/cards.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { PeopleModule } from '../people/people.module.js';
import { ReadersModule } from '../readers/readers.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SiteModule } from '../site/site.module.js';
import { ZonesModule } from '../zones/zones.module.js';
import { PresenceService } from './presence.service.js';
import { ReceptionController, VisitsController } from './reception.controller.js';
import { ReceptionListsService } from './reception-lists.service.js';
import { PoolCardEntity, PresenceEntity, WatchlistEntryEntity } from './reception-records.entity.js';
import { ReceptionSettingsService } from './reception-settings.service.js';
import { VisitCheckInService } from './visit-check-in.service.js';
import { VisitRegistrationService } from './visit-registration.service.js';
import { VisitSweeperService } from './visit-sweeper.service.js';
import { VisitEntity } from './visit.entity.js';
import { VisitorChecks } from './visitor-checks.service.js';
import { VisitorLogExportService } from './visitor-log-export.service.js';
import { VisitsService } from './visits.service.js';

/**
 * Reception: visits (registration, check-in and sign-out, the time rules, the visitor log),
 * the watch list, the visitor card pool, on-site and evacuation lists. The visitor's person,
 * card and grants are asked of the people, cards and grants domains.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([VisitEntity, WatchlistEntryEntity, PoolCardEntity, PresenceEntity]),
    AuthModule,
    PeopleModule,
    CardsModule,
    GrantsModule,
    ZonesModule,
    SiteModule,
    RealtimeModule,
    ReadersModule,
  ],
  controllers: [VisitsController, ReceptionController],
  providers: [
    VisitsService,
    VisitorChecks,
    VisitRegistrationService,
    VisitCheckInService,
    VisitSweeperService,
    VisitorLogExportService,
    ReceptionSettingsService,
    PresenceService,
    ReceptionListsService,
  ],
  exports: [VisitsService, PresenceService],
})
export class ReceptionModule {}
