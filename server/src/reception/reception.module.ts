import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { CardEntity } from '../cards/card.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { ReadersModule } from '../readers/readers.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SiteModule } from '../site/site.module.js';
import { SiteSettingsEntity } from '../site/site-settings.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { PresenceService } from './presence.service.js';
import { ReceptionController, VisitsController } from './reception.controller.js';
import { ReceptionListsService } from './reception-lists.service.js';
import { PoolCardEntity, PresenceEntity, WatchlistEntryEntity } from './reception-records.entity.js';
import { VisitEntity } from './visit.entity.js';
import { VisitsService } from './visits.service.js';

/** Reception (issue 5): visits, the watch list, the visitor card pool, on-site and evacuation lists. */
@Module({
  imports: [
    TypeOrmModule.forFeature([VisitEntity, WatchlistEntryEntity, PoolCardEntity, PresenceEntity, PersonEntity, ZoneEntity, UserEntity, CardEntity, SiteSettingsEntity]),
    SiteModule,
    RealtimeModule,
    ReadersModule,
  ],
  controllers: [VisitsController, ReceptionController],
  providers: [VisitsService, PresenceService, ReceptionListsService],
  exports: [VisitsService, PresenceService],
})
export class ReceptionModule {}
