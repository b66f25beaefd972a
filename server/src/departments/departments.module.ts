import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScheduleRepositoryModule } from '../schedules/schedule.repository.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { DepartmentEntity } from './department.entity.js';
import { DepartmentsController } from './departments.controller.js';
import { DepartmentsService } from './departments.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DepartmentEntity]), ScheduleRepositoryModule, ZoneRepositoryModule, PersonRepositoryModule],
  controllers: [DepartmentsController],
  providers: [DepartmentsService],
  exports: [DepartmentsService],
})
export class DepartmentsModule {}
