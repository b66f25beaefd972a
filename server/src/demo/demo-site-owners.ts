import { Injectable } from '@nestjs/common';
import { AgentRepository } from '../agents/agent.repository.js';
import { UsersService } from '../auth/users.service.js';
import { CardRepository } from '../cards/card.repository.js';
import { DepartmentRepository } from '../departments/department.repository.js';
import { DoorRepository } from '../doors/door.repository.js';
import { EquipmentRepository } from '../equipment/equipment.repository.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { PersonRepository } from '../people/person.repository.js';
import { VisitRepository } from '../reception/visit.repository.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';
import { SiteService } from '../site/site.service.js';
import { ZoneRepository } from '../zones/zone.repository.js';

/** The domains the demo site is written into, each through its own repository or service, all in the seeder's one transaction. */
@Injectable()
export class DemoSiteOwners {
  constructor(
    readonly site: SiteService,
    readonly users: UsersService,
    readonly people: PersonRepository,
    readonly zones: ZoneRepository,
    readonly agents: AgentRepository,
    readonly doors: DoorRepository,
    readonly schedules: ScheduleRepository,
    readonly departments: DepartmentRepository,
    readonly cards: CardRepository,
    readonly grants: GrantRepository,
    readonly visits: VisitRepository,
    readonly equipment: EquipmentRepository,
  ) {}
}
