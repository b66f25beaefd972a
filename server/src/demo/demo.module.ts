import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SiteModule } from '../site/site.module.js';
import { BootstrapService } from './bootstrap.service.js';
import { DemoSeeder } from './demo-seeder.service.js';

@Module({
  imports: [AuthModule, AgentsModule, SiteModule],
  providers: [DemoSeeder, BootstrapService],
  exports: [BootstrapService],
})
export class DemoModule {}
