import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DepartmentRepositoryModule } from '../departments/department.repository.js';
import { ReviewItemRepositoryModule } from '../reviews/review-item.repository.js';
import { AccessRequestRepositoryModule } from '../access-requests/access-request.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { SiteModule } from '../site/site.module.js';
import { ScheduleEntity } from './schedule.entity.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesService } from './schedules.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ScheduleEntity]),
    DepartmentRepositoryModule,
    ReviewItemRepositoryModule,
    AccessRequestRepositoryModule,
    GrantRepositoryModule,
    SiteModule,
  ],
  controllers: [SchedulesController],
  providers: [SchedulesService],
  exports: [SchedulesService],
})
export class SchedulesModule {}
