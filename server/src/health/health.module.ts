import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MqttModule } from '../mqtt/mqtt.module.js';
import { HealthController } from './health.controller.js';
import { BrokerHealthIndicator, DatabaseHealthIndicator, JobsHealthIndicator } from './health-indicators.js';

// Failed probes are answered with their reason; logging each one too would repeat it every few seconds.
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MqttModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, BrokerHealthIndicator, JobsHealthIndicator],
})
export class HealthModule {}
