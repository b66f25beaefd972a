import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { UserEntity } from '../auth/user.entity.js';
import { CardHistoryEntity } from '../cards/card-history.entity.js';
import { CardEntity } from '../cards/card.entity.js';
import { DoorEntity } from '../doors/door.entity.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { SiteModule } from '../site/site.module.js';
import { PermissionDeliveryEntity } from '../sync/permission-delivery.entity.js';
import { ProofController } from './proof.controller.js';
import { ProofService } from './proof.service.js';

/** Registered before AgentsModule so `GET /api/agents/lag` is matched before any `agents/:id`. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      PermissionChangeEntity,
      PermissionDeliveryEntity,
      AgentEntity,
      DoorEntity,
      PersonEntity,
      CardEntity,
      CardHistoryEntity,
      GrantEntity,
      UserEntity,
    ]),
    SiteModule,
  ],
  controllers: [ProofController],
  providers: [ProofService],
})
export class ProofModule {}
