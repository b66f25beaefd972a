import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { CardRepositoryModule } from '../cards/card.repository.js';
import { DepartmentRepositoryModule } from '../departments/department.repository.js';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { EquipmentRepositoryModule } from '../equipment/equipment.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { VisitRepositoryModule } from '../reception/visit.repository.js';
import { ScheduleRepositoryModule } from '../schedules/schedule.repository.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { BootstrapService } from './bootstrap.service.js';
import { DemoSeeder } from './demo-seeder.service.js';
import { DemoSiteOwners } from './demo-site-owners.js';

@Module({
  imports: [
    AuthModule,
    AgentsModule,
    SiteModule,
    PersonRepositoryModule,
    ZoneRepositoryModule,
    AgentRepositoryModule,
    DoorRepositoryModule,
    ScheduleRepositoryModule,
    DepartmentRepositoryModule,
    CardRepositoryModule,
    GrantRepositoryModule,
    VisitRepositoryModule,
    EquipmentRepositoryModule,
  ],
  providers: [DemoSeeder, DemoSiteOwners, BootstrapService],
  exports: [BootstrapService],
})
export class DemoModule {}
