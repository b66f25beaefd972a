import { Module } from '@nestjs/common';
import { AccessRequestRepositoryModule } from '../access-requests/access-request.repository.js';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { AlertRepositoryModule } from '../alerts/alert.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { CardRepositoryModule } from '../cards/card.repository.js';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { EquipmentRepositoryModule } from '../equipment/equipment.repository.js';
import { EventRepositoryModule } from '../events/event.repository.js';
import { GatePassRepositoryModule } from '../gate-passes/gate-pass.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { IncidentRepositoryModule } from '../incidents/incident.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { ReaderRepositoryModule } from '../readers/reader.repository.js';
import { VisitRepositoryModule } from '../reception/visit.repository.js';
import { ReviewCampaignRepositoryModule } from '../reviews/review-campaign.repository.js';
import { SealRepositoryModule } from '../seals/seal.repository.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { EvidenceSources } from './evidence-sources.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';

/** The ISO/IEC 27001:2022 evidence pack: its figures come from the domains that own the records. */
@Module({
  imports: [
    SiteModule,
    AuthModule,
    AccessRequestRepositoryModule,
    AgentRepositoryModule,
    AlertRepositoryModule,
    CardRepositoryModule,
    DoorRepositoryModule,
    EquipmentRepositoryModule,
    EventRepositoryModule,
    GatePassRepositoryModule,
    GrantRepositoryModule,
    IncidentRepositoryModule,
    PersonRepositoryModule,
    ReaderRepositoryModule,
    VisitRepositoryModule,
    ReviewCampaignRepositoryModule,
    SealRepositoryModule,
    ZoneRepositoryModule,
  ],
  controllers: [EvidenceController],
  providers: [EvidenceService, EvidenceSources],
})
export class EvidenceModule {}
