import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DepartmentRepositoryModule } from '../departments/department.repository.js';
import { AccessRequestRepositoryModule } from '../access-requests/access-request.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { CardRepositoryModule } from '../cards/card.repository.js';
import { SiteModule } from '../site/site.module.js';
import { PeopleController } from './people.controller.js';
import { PeopleService } from './people.service.js';
import { PersonEntity } from './person.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([PersonEntity]),
    DepartmentRepositoryModule,
    AccessRequestRepositoryModule,
    GrantRepositoryModule,
    CardRepositoryModule,
    SiteModule,
  ],
  controllers: [PeopleController],
  providers: [PeopleService],
  exports: [PeopleService],
})
export class PeopleModule {}
