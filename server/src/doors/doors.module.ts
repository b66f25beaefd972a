import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { SiteModule } from '../site/site.module.js';
import { DoorEntity } from './door.entity.js';
import { DoorsController } from './doors.controller.js';
import { DoorsService } from './doors.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DoorEntity]), ZoneRepositoryModule, AgentRepositoryModule, SiteModule],
  controllers: [DoorsController],
  providers: [DoorsService],
  exports: [DoorsService],
})
export class DoorsModule {}
