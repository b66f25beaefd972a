import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DepartmentRepositoryModule } from '../departments/department.repository.js';
import { ReviewItemRepositoryModule } from '../reviews/review-item.repository.js';
import { AccessRequestRepositoryModule } from '../access-requests/access-request.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneEntity } from './zone.entity.js';
import { ZonesController } from './zones.controller.js';
import { ZonesService } from './zones.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ZoneEntity]),
    DepartmentRepositoryModule,
    ReviewItemRepositoryModule,
    AccessRequestRepositoryModule,
    GrantRepositoryModule,
    DoorRepositoryModule,
    PersonRepositoryModule,
    SiteModule,
  ],
  controllers: [ZonesController],
  providers: [ZonesService],
  exports: [ZonesService],
})
export class ZonesModule {}
