import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { IsNull, MoreThanOrEqual, Not, type Repository } from 'typeorm';
import { PermissionDeliveryEntity } from './permission-delivery.entity.js';

/**
 * What agents confirmed applying, as proof reads it: narrowly named queries, never the table.
 * A module of its own with no imports (sync itself talks to agents over MQTT).
 */
@Injectable()
export class PermissionDeliveryRepository {
  constructor(@InjectRepository(PermissionDeliveryEntity) private readonly deliveries: Repository<PermissionDeliveryEntity>) {}

  /** Confirmations of versions from `minVersion` on whose reported hash matched what was sent. */
  matchingConfirmationsFrom(minVersion: number): Promise<Pick<PermissionDeliveryEntity, 'agentId' | 'version' | 'confirmedAt'>[]> {
    return this.deliveries.find({
      select: { agentId: true, version: true, confirmedAt: true },
      where: { version: MoreThanOrEqual(minVersion), confirmedAt: Not(IsNull()), hashMatches: true },
    });
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([PermissionDeliveryEntity])],
  providers: [PermissionDeliveryRepository],
  exports: [PermissionDeliveryRepository],
})
export class PermissionDeliveryRepositoryModule {}
