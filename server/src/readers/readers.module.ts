import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AgentRepositoryModule } from '../agents/agent.repository.js';
import { MqttModule } from '../mqtt/mqtt.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ReaderKeyEntity } from './reader-key.entity.js';
import { ReaderKeyOperationEntity } from './reader-key-operation.entity.js';
import { ReaderKeyVault } from './reader-key-vault.js';
import { ReaderEntity } from './reader.entity.js';
import { ReadersController } from './readers.controller.js';
import { ReadersService } from './readers.service.js';

/** Readers reported by agents, and OSDP key management. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ReaderEntity, ReaderKeyEntity, ReaderKeyOperationEntity]),
    AgentRepositoryModule,
    AuthModule,
    MqttModule,
    RealtimeModule,
  ],
  controllers: [ReadersController],
  providers: [ReadersService, ReaderKeyVault],
  exports: [ReadersService, ReaderKeyVault],
})
export class ReadersModule {}
