import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { EmbeddedBrokerService } from './embedded-broker.service.js';
import { MqttClientService } from './mqtt-client.service.js';

@Module({
  imports: [AgentsModule],
  providers: [EmbeddedBrokerService, MqttClientService],
  exports: [EmbeddedBrokerService, MqttClientService],
})
export class MqttModule {}
