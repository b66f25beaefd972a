import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { DoorEntity } from '../doors/door.entity.js';
import { CardsModule } from '../cards/cards.module.js';
import { ReadersModule } from '../readers/readers.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { EventAdmission } from './event-admission.js';
import { EventEntity } from './event.entity.js';
import { RefusedEventEntity } from './refused-event.entity.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { SeqTracker } from './seq-tracker.js';

@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, RefusedEventEntity, DoorEntity, AgentEntity]), RealtimeModule, CardsModule, ReadersModule],
  controllers: [EventsController],
  providers: [EventsService, SeqTracker, EventAdmission],
  exports: [EventsService],
})
export class EventsModule {}
