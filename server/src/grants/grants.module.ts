import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScheduleRepositoryModule } from '../schedules/schedule.repository.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { SiteModule } from '../site/site.module.js';
import { GrantEntity } from './grant.entity.js';
import { GrantsController } from './grants.controller.js';
import { GrantsService } from './grants.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity]), PersonRepositoryModule, ZoneRepositoryModule, ScheduleRepositoryModule, SiteModule],
  controllers: [GrantsController],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
