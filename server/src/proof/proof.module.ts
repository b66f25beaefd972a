import { Module } from '@nestjs/common';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { CardRepositoryModule } from '../cards/card.repository.js';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { PermissionChangeRepositoryModule } from '../site/permission-change.repository.js';
import { SiteModule } from '../site/site.module.js';
import { PermissionDeliveryRepositoryModule } from '../sync/permission-delivery.repository.js';
import { ProofController } from './proof.controller.js';
import { ProofService } from './proof.service.js';

/** Registered before AgentsModule so `GET /api/agents/lag` is matched before any `agents/:id`. */
@Module({
  imports: [
    PermissionChangeRepositoryModule,
    PermissionDeliveryRepositoryModule,
    AgentRepositoryModule,
    DoorRepositoryModule,
    PersonRepositoryModule,
    CardRepositoryModule,
    GrantRepositoryModule,
    AuthModule,
    SiteModule,
  ],
  controllers: [ProofController],
  providers: [ProofService],
})
export class ProofModule {}
