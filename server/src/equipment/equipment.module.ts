import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { PeopleModule } from '../people/people.module.js';
import { ZonesModule } from '../zones/zones.module.js';
import { EquipmentController } from './equipment.controller.js';
import { EquipmentEntity, MovementEntity } from './equipment.entity.js';
import { EquipmentService } from './equipment.service.js';
import { MediaCheckService } from './media-check.service.js';
import { MovementLogService } from './movement-log.service.js';

/**
 * Equipment and media: the register, the movement log (gate passes and seals append to it
 * through MovementLogService) and the storage-media check at zone entrances.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EquipmentEntity, MovementEntity]), AuthModule, PeopleModule, ZonesModule],
  controllers: [EquipmentController],
  providers: [EquipmentService, MovementLogService, MediaCheckService],
  exports: [EquipmentService, MovementLogService],
})
export class EquipmentModule {}
