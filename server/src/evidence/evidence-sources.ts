import { Injectable } from '@nestjs/common';
import { AccessRequestRepository } from '../access-requests/access-request.repository.js';
import { AgentRepository } from '../agents/agent.repository.js';
import { AlertRepository } from '../alerts/alert.repository.js';
import { UsersService } from '../auth/users.service.js';
import { CardRepository } from '../cards/card.repository.js';
import { DoorRepository } from '../doors/door.repository.js';
import { EquipmentRepository } from '../equipment/equipment.repository.js';
import { EventRepository } from '../events/event.repository.js';
import { GatePassRepository } from '../gate-passes/gate-pass.repository.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { PersonRepository } from '../people/person.repository.js';
import { ReaderRepository } from '../readers/reader.repository.js';
import { ReviewCampaignRepository } from '../reviews/review-campaign.repository.js';
import { SealRepository } from '../seals/seal.repository.js';
import { VisitRepository } from '../reception/visit.repository.js';
import { ZoneRepository } from '../zones/zone.repository.js';

/** The domains' records the evidence pack counts, each read through its owner's repository or service. */
@Injectable()
export class EvidenceSources {
  constructor(
    readonly zones: ZoneRepository,
    readonly alerts: AlertRepository,
    readonly events: EventRepository,
    readonly people: PersonRepository,
    readonly users: UsersService,
    readonly readers: ReaderRepository,
    readonly visits: VisitRepository,
    readonly gatePasses: GatePassRepository,
    readonly agents: AgentRepository,
    readonly grants: GrantRepository,
    readonly cards: CardRepository,
    readonly accessRequests: AccessRequestRepository,
    readonly reviewCampaigns: ReviewCampaignRepository,
    readonly doors: DoorRepository,
    readonly incidents: IncidentRepository,
    readonly equipment: EquipmentRepository,
    readonly seals: SealRepository,
  ) {}
}
