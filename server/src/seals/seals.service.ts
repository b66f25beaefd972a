import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { EquipmentView, SealView } from '@acs/shared/api/equipment';
import { UsersService } from '../auth/users.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { newId } from '../common/ids.js';
import type { EquipmentEntity } from '../equipment/equipment.entity.js';
import { assetTag, EquipmentService } from '../equipment/equipment.service.js';
import { MovementLogService } from '../equipment/movement-log.service.js';
import { ZonesService } from '../zones/zones.service.js';
import type { ApplySealDto, InspectSealDto, ReplaceSealDto, ReturnToServiceDto } from './dto/seal.dto.js';
import { SealEntity } from './seal.entity.js';

/**
 * Tamper seals (docs/product-rules.md#seals): applied on registered items or at locations, inspected,
 * replaced; a broken seal is signalled. An item back from repair returns to service only
 * after a seal or tamper check. Each step is recorded in the equipment movement log.
 */
@Injectable()
export class SealsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SealEntity) private readonly seals: Repository<SealEntity>,
    private readonly equipment: EquipmentService,
    private readonly movements: MovementLogService,
    private readonly zones: ZonesService,
    private readonly users: UsersService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  async applySeal(dto: ApplySealDto, actor: Actor): Promise<SealView> {
    const item = dto.assetTag ? await this.equipment.findByTag(dto.assetTag) : null;
    if (dto.assetTag && !item) throw invalid(`assetTag: ${assetTag(dto.assetTag)} is not in the equipment register`);
    if (!item && !dto.location?.trim()) throw invalid('a seal goes on a registered item (assetTag) or at a location');
    if (dto.zoneId && !(await this.zones.summaries([dto.zoneId])).length) throw invalid(`zoneId: zone ${dto.zoneId} does not exist`);
    const seal = this.newSeal(dto.number, item, dto.location ?? null, dto.zoneId ?? item?.homeZoneId ?? null, actor);
    await this.dataSource.transaction(async (m) => {
      if (await m.getRepository(SealEntity).existsBy({ number: seal.number })) throw conflict(`seal ${seal.number} is already on record`);
      await m.getRepository(SealEntity).insert(seal);
      await this.movements.append(m, 'seal_applied', { item, sealId: seal.id, actor });
    });
    return (await this.views([seal]))[0]!;
  }

  async inspectSeal(id: string, dto: InspectSealDto, actor: Actor): Promise<SealView> {
    const seal = await this.get(id);
    if (seal.status !== 'intact') throw conflict(`seal ${seal.number} is ${seal.status}`);
    const item = seal.equipmentId ? await this.equipment.find(seal.equipmentId) : null;
    const now = this.clock.now();
    Object.assign(seal, { status: dto.result, lastInspectedAt: now, lastInspectedByUserId: actor.id });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(SealEntity).save(seal);
      await this.movements.append(m, 'seal_inspected', {
        item,
        sealId: seal.id,
        actor,
        decision: dto.result === 'intact' ? 'allow' : 'stop',
        reason: `${dto.result}${dto.note?.trim() ? `: ${dto.note.trim()}` : ''}`,
      });
    });
    if (dto.result === 'broken') {
      this.signals.emit('seal.broken', {
        sealId: seal.id,
        sealNumber: seal.number,
        equipmentId: seal.equipmentId,
        zoneId: seal.zoneId,
        inspectedByUserId: actor.id,
        note: dto.note?.trim() || null,
        at: now,
      });
    }
    return (await this.views([seal]))[0]!;
  }

  async replaceSeal(id: string, dto: ReplaceSealDto, actor: Actor): Promise<SealView> {
    const old = await this.get(id);
    if (old.status === 'replaced' || old.status === 'removed') throw conflict(`seal ${old.number} is ${old.status}`);
    const item = old.equipmentId ? await this.equipment.find(old.equipmentId) : null;
    const seal = this.newSeal(dto.newNumber, item, old.location, old.zoneId, actor);
    await this.dataSource.transaction(async (m) => {
      if (await m.getRepository(SealEntity).existsBy({ number: seal.number })) throw conflict(`seal ${seal.number} is already on record`);
      await m.getRepository(SealEntity).insert(seal);
      await m.getRepository(SealEntity).update({ id: old.id }, { status: 'replaced', replacedBySealId: seal.id });
      await this.movements.append(m, 'seal_replaced', {
        item,
        sealId: seal.id,
        actor,
        reason: `${old.number} → ${seal.number}: ${dto.note.trim()}`,
      });
    });
    return (await this.views([seal]))[0]!;
  }

  /** Back from repair: usable again after a seal check (an intact seal on record) or a tamper check. */
  async returnToService(id: string, dto: ReturnToServiceDto, actor: Actor): Promise<EquipmentView> {
    const item = await this.equipment.get(id);
    if (item.status !== 'awaiting_check') throw conflict(`the item is ${item.status}; only an item back from repair waits for a check`);
    if (dto.check === 'intact') {
      const seals = await this.seals.findBy({ equipmentId: item.id, status: 'intact' });
      if (!seals.length) throw conflict('the item has no intact seal on record: inspect its seals, or record a tamper check (tamper_free)');
    }
    return this.equipment.returnToService(item, `${dto.check}: ${dto.note.trim()}`, actor);
  }

  private newSeal(number: string, item: EquipmentEntity | null, location: string | null, zoneId: string | null, actor: Actor): SealEntity {
    return {
      id: newId(),
      number: assetTag(number),
      equipmentId: item?.id ?? null,
      location: location?.trim() || null,
      zoneId,
      status: 'intact',
      appliedByUserId: actor.id,
      appliedAt: this.clock.now(),
      lastInspectedAt: null,
      lastInspectedByUserId: null,
      replacedBySealId: null,
    };
  }

  private async get(id: string): Promise<SealEntity> {
    const seal = await this.seals.findOneBy({ id });
    if (!seal) throw notFound(`seal ${id}`);
    return seal;
  }

  async listSeals(): Promise<SealView[]> {
    return this.views(await this.seals.find({ order: { appliedAt: 'DESC' }, take: 5000 }));
  }

  private async views(rows: readonly SealEntity[]): Promise<SealView[]> {
    const itemIds = [...new Set(rows.map((r) => r.equipmentId).filter((id): id is string => id !== null))];
    const tags = new Map((await this.equipment.findMany(itemIds)).map((i) => [i.id, i.assetTag]));
    const refs = await this.users.refs(rows.flatMap((r) => [r.appliedByUserId, r.lastInspectedByUserId]));
    const name = (id: string | null) => (id ? (refs.get(id)?.name ?? id) : null);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      equipmentId: r.equipmentId,
      assetTag: r.equipmentId ? (tags.get(r.equipmentId) ?? null) : null,
      location: r.location,
      status: r.status,
      appliedBy: name(r.appliedByUserId),
      appliedAt: r.appliedAt,
      lastInspectedAt: r.lastInspectedAt,
      lastInspectedBy: name(r.lastInspectedByUserId),
      replacedBySealId: r.replacedBySealId,
    }));
  }
}
