import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { EquipmentController, GatePassesController, SealsController } from './equipment.controller.js';
import { EquipmentEntity, GatePassEntity, MovementEntity, SealEntity } from './equipment.entity.js';
import { EquipmentService } from './equipment.service.js';

/** Equipment and media (issue 5): register, gate passes, checkpoint, seals, repairs, movement log. */
@Module({
  imports: [TypeOrmModule.forFeature([EquipmentEntity, GatePassEntity, SealEntity, MovementEntity, PersonEntity, ZoneEntity, UserEntity]), RealtimeModule],
  controllers: [EquipmentController, GatePassesController, SealsController],
  providers: [EquipmentService],
  exports: [EquipmentService],
})
export class EquipmentModule {}
