import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { EventsModule } from '../events/events.module.js';
import { MqttModule } from '../mqtt/mqtt.module.js';
import { ReadersModule } from '../readers/readers.module.js';
import { SyncModule } from '../sync/sync.module.js';
import { AgentMessageRouter } from './agent-message-router.service.js';

/** Wires what agents send over MQTT to the services that own it. */
@Module({
  imports: [MqttModule, AgentsModule, EventsModule, SyncModule, ReadersModule],
  providers: [AgentMessageRouter],
  exports: [AgentMessageRouter],
})
export class AgentLinkModule {}
