import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { DoorRepositoryModule } from '../doors/door.repository.js';
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
  imports: [
    TypeOrmModule.forFeature([EventEntity, RefusedEventEntity]),
    DoorRepositoryModule,
    AgentRepositoryModule,
    RealtimeModule,
    CardsModule,
    ReadersModule,
  ],
  controllers: [EventsController],
  providers: [EventsService, SeqTracker, EventAdmission],
  exports: [EventsService],
})
export class EventsModule {}
