import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { ScheduleRepositoryModule } from '../schedules/schedule.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { GrantsModule } from '../grants/grants.module.js';
import { AccessRequestEntity } from './access-request.entity.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsService } from './access-requests.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([AccessRequestEntity]),
    ZoneRepositoryModule,
    PersonRepositoryModule,
    ScheduleRepositoryModule,
    GrantRepositoryModule,
    AuthModule,
    GrantsModule,
  ],
  controllers: [AccessRequestsController],
  providers: [AccessRequestsService],
})
export class AccessRequestsModule {}
