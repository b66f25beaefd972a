import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { GrantsModule } from '../grants/grants.module.js';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { AccessRequestEntity } from './access-request.entity.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsService } from './access-requests.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AccessRequestEntity, ZoneEntity, PersonEntity, ScheduleEntity, GrantEntity, UserEntity]), GrantsModule],
  controllers: [AccessRequestsController],
  providers: [AccessRequestsService],
})
export class AccessRequestsModule {}
