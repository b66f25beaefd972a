import { Global, Module } from '@nestjs/common';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { AlertRepositoryModule } from '../alerts/alert.repository.js';
import { SiteModule } from '../site/site.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Global: ingest, the agent message router and the HTTP layer all record into it. */
@Global()
@Module({
  imports: [AgentRepositoryModule, AlertRepositoryModule, SiteModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
