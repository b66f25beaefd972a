import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { EquipmentModule } from '../equipment/equipment.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { CheckpointService } from './checkpoint.service.js';
import { GatePassOverdueService } from './gate-pass-overdue.service.js';
import { GatePassEntity } from './gate-pass.entity.js';
import { CheckpointController, GatePassesController } from './gate-passes.controller.js';
import { GatePassesService } from './gate-passes.service.js';

/** Gate passes for items leaving the site, the checkpoint that honours them, and overdue returns. */
@Module({
  imports: [TypeOrmModule.forFeature([GatePassEntity]), EquipmentModule, AuthModule, RealtimeModule],
  controllers: [GatePassesController, CheckpointController],
  providers: [GatePassesService, CheckpointService, GatePassOverdueService],
  exports: [GatePassesService],
})
export class GatePassesModule {}
