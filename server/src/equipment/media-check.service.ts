import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { PeopleService } from '../people/people.service.js';
import { ZonesService } from '../zones/zones.service.js';
import type { MediaCheckDto } from './dto/equipment.dto.js';
import { assetTag, EquipmentService } from './equipment.service.js';
import { MovementLogService } from './movement-log.service.js';

/**
 * A storage medium carried into a zone: registered media pass; unregistered media into
 * L2/L3 is a violation against the carrier (docs/product-rules.md#storage-media), recorded and signalled.
 */
@Injectable()
export class MediaCheckService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly equipment: EquipmentService,
    private readonly movements: MovementLogService,
    private readonly people: PeopleService,
    private readonly zones: ZonesService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  async mediaCheck(
    dto: MediaCheckDto,
    actor: Actor,
  ): Promise<{ decision: 'allow' | 'stop'; violation: boolean; detail: string; movementId: string }> {
    const [zone] = await this.zones.summaries([dto.zoneId]);
    if (!zone) throw invalid(`zoneId: zone ${dto.zoneId} does not exist`);
    if (dto.personId && !(await this.people.exists(dto.personId))) throw invalid(`personId: person ${dto.personId} does not exist`);
    const item = dto.assetTag ? await this.equipment.findByTag(dto.assetTag) : null;
    const registered = item !== null && item.kind === 'storage_medium' && item.status === 'in_service';
    const violation = !registered && zone.level >= 2;
    const detail = registered
      ? `registered medium ${item.assetTag}`
      : violation
        ? `unregistered storage medium "${dto.description.trim()}" into L${zone.level} zone ${zone.name}`
        : `unregistered storage medium "${dto.description.trim()}" into L${zone.level} zone ${zone.name} (allowed below L2; register it before use)`;
    const movementId = await this.dataSource.transaction((m) =>
      this.movements.append(m, violation ? 'media_violation' : 'media_entry', {
        item,
        actor,
        decision: violation ? 'stop' : 'allow',
        reason: detail,
        zoneId: zone.id,
        personId: dto.personId ?? null,
        visitId: dto.visitId ?? null,
        assetTag: dto.assetTag ? assetTag(dto.assetTag) : null,
        snapshot: item ? undefined : { description: dto.description.trim(), registered: false },
      }),
    );
    if (violation) {
      this.signals.emit('media.unregistered', {
        personId: dto.personId ?? null,
        visitId: dto.visitId ?? null,
        zoneId: zone.id,
        zoneLevel: zone.level,
        description: dto.description.trim(),
        recordedByUserId: actor.id,
        at: this.clock.now(),
      });
    }
    return { decision: violation ? 'stop' : 'allow', violation, detail, movementId };
  }
}
