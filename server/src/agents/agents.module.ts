import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DoorRepositoryModule } from '../doors/door.repository.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SiteModule } from '../site/site.module.js';
import { AgentCredentialsService } from './agent-credentials.service.js';
import { AgentEntity } from './agent.entity.js';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity]), DoorRepositoryModule, SiteModule, RealtimeModule],
  controllers: [AgentsController],
  providers: [AgentsService, AgentCredentialsService],
  exports: [AgentsService, AgentCredentialsService],
})
export class AgentsModule {}
