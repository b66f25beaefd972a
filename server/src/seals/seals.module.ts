import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { EquipmentModule } from '../equipment/equipment.module.js';
import { ZonesModule } from '../zones/zones.module.js';
import { SealEntity } from './seal.entity.js';
import { ReturnToServiceController, SealsController } from './seals.controller.js';
import { SealsService } from './seals.service.js';

/** Tamper seals on items and locations, and the seal or tamper check before a repaired item returns to service. */
@Module({
  imports: [TypeOrmModule.forFeature([SealEntity]), EquipmentModule, AuthModule, ZonesModule],
  controllers: [SealsController, ReturnToServiceController],
  providers: [SealsService],
  exports: [SealsService],
})
export class SealsModule {}
