import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { DoorEntity } from '../doors/door.entity.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { EventEntity } from './event.entity.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { SeqTracker } from './seq-tracker.js';

@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, DoorEntity, AgentEntity]), RealtimeModule],
  controllers: [EventsController],
  providers: [EventsService, SeqTracker],
  exports: [EventsService],
})
export class EventsModule {}
