import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { DoorEntity } from './door.entity.js';
import { DoorsController } from './doors.controller.js';
import { DoorsService } from './doors.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DoorEntity, ZoneEntity, AgentEntity]), SiteModule],
  controllers: [DoorsController],
  providers: [DoorsService],
  exports: [DoorsService],
})
export class DoorsModule {}
