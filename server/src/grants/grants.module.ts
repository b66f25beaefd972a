import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { GrantEntity } from './grant.entity.js';
import { GrantsController } from './grants.controller.js';
import { GrantsService } from './grants.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity, PersonEntity, ZoneEntity, ScheduleEntity]), SiteModule],
  controllers: [GrantsController],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
