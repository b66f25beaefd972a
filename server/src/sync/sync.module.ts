import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { MqttModule } from '../mqtt/mqtt.module.js';
import { SiteModule } from '../site/site.module.js';
import { PermissionCompiler } from './permission-compiler.js';
import { PermissionDeliveryEntity } from './permission-delivery.entity.js';
import { PermissionSyncService } from './permission-sync.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PermissionDeliveryEntity]), SiteModule, AgentsModule, MqttModule],
  providers: [PermissionCompiler, PermissionSyncService],
  exports: [PermissionCompiler, PermissionSyncService],
})
export class SyncModule {}
