import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, type Repository } from 'typeorm';
import type { EquipmentView } from '@acs/shared/api/equipment';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { PeopleService } from '../people/people.service.js';
import { ZonesService } from '../zones/zones.service.js';
import type { CreateEquipmentDto, UpdateEquipmentDto } from './dto/equipment.dto.js';
import { EquipmentEntity } from './equipment.entity.js';
import { MovementLogService } from './movement-log.service.js';

/** Upper case, no spaces: what is printed on the label is what the guard types. */
export const assetTag = (value: string) => value.trim().toUpperCase();

/**
 * Which items are out on which open gate pass. The gate-pass domain answers it (it builds
 * on the register, so the register cannot ask it directly); see GatePassesService.
 */
export interface OpenPassLookup {
  openPassIds(equipmentIds: readonly string[]): Promise<Map<string, string>>;
}

/**
 * The equipment register (docs/product-rules.md#equipment-register): items with their asset tags, owners and
 * status. Gate passes, the checkpoint and seals change an item only through this service;
 * every change is recorded in the movement log.
 */
@Injectable()
export class EquipmentService {
  private openPasses: OpenPassLookup | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(EquipmentEntity) private readonly equipment: Repository<EquipmentEntity>,
    private readonly movements: MovementLogService,
    private readonly people: PeopleService,
    private readonly zones: ZonesService,
    private readonly clock: Clock,
  ) {}

  answerOpenPassesWith(lookup: OpenPassLookup): void {
    this.openPasses = lookup;
  }

  async register(dto: CreateEquipmentDto, actor: Actor): Promise<EquipmentView> {
    await this.checkRefs(dto.ownerPersonId, dto.homeZoneId);
    const now = this.clock.now();
    const item: EquipmentEntity = {
      id: newId(),
      assetTag: assetTag(dto.assetTag),
      serial: dto.serial?.trim() || null,
      kind: dto.kind,
      description: dto.description.trim(),
      ownerPersonId: dto.ownerPersonId ?? null,
      homeZoneId: dto.homeZoneId ?? null,
      // A storage medium stores data by definition.
      storesData: dto.kind === 'storage_medium' ? true : (dto.storesData ?? false),
      status: 'in_service',
      createdAt: now,
      updatedAt: now,
    };
    if (!item.description) throw invalid('description must not be blank');
    await this.dataSource.transaction(async (m) => {
      if (await m.getRepository(EquipmentEntity).findOneBy({ assetTag: item.assetTag }))
        throw conflict(`asset tag ${item.assetTag} is already registered`);
      await m.getRepository(EquipmentEntity).insert(item);
      await this.movements.append(m, 'registered', { item, actor });
    });
    return this.view(item);
  }

  async update(id: string, dto: UpdateEquipmentDto, actor: Actor): Promise<EquipmentView> {
    const item = await this.get(id);
    await this.checkRefs(dto.ownerPersonId, dto.homeZoneId);
    if (dto.serial !== undefined) item.serial = dto.serial?.trim() || null;
    if (dto.description !== undefined) item.description = dto.description.trim();
    if (dto.ownerPersonId !== undefined) item.ownerPersonId = dto.ownerPersonId;
    if (dto.homeZoneId !== undefined) item.homeZoneId = dto.homeZoneId;
    if (dto.storesData !== undefined && item.kind !== 'storage_medium') item.storesData = dto.storesData;
    item.updatedAt = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(EquipmentEntity).save(item);
      await this.movements.append(m, 'updated', { item, actor });
    });
    return this.view(item);
  }

  private async checkRefs(ownerPersonId: string | null | undefined, homeZoneId: string | null | undefined): Promise<void> {
    const problems: string[] = [];
    if (ownerPersonId && !(await this.people.exists(ownerPersonId))) problems.push(`ownerPersonId: person ${ownerPersonId} does not exist`);
    if (homeZoneId && !(await this.zones.summaries([homeZoneId])).length) problems.push(`homeZoneId: zone ${homeZoneId} does not exist`);
    if (problems.length) throw invalid(problems);
  }

  /**
   * Back from repair and checked (the seals domain decides whether the check holds): usable again.
   */
  async returnToService(item: EquipmentEntity, reason: string, actor: Actor): Promise<EquipmentView> {
    item.status = 'in_service';
    item.updatedAt = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(EquipmentEntity).save(item);
      await this.movements.append(m, 'returned_to_service', { item, actor, reason });
    });
    return this.view(item);
  }

  /** Saves an item's new status inside the caller's transaction (the checkpoint's). */
  async saveStatus(item: EquipmentEntity, m: EntityManager): Promise<void> {
    await m.getRepository(EquipmentEntity).save(item);
  }

  async list(q?: string): Promise<EquipmentView[]> {
    let rows = await this.equipment.find({ order: { assetTag: 'ASC' }, take: 5000 });
    if (q?.trim()) {
      const needle = q.trim().toLowerCase();
      rows = rows.filter(
        (r) =>
          r.assetTag.toLowerCase().includes(needle) ||
          r.description.toLowerCase().includes(needle) ||
          (r.serial ?? '').toLowerCase().includes(needle),
      );
    }
    return this.views(rows);
  }

  async detail(id: string): Promise<EquipmentView> {
    return this.view(await this.get(id));
  }

  async get(id: string): Promise<EquipmentEntity> {
    const item = await this.equipment.findOneBy({ id });
    if (!item) throw notFound(`equipment ${id}`);
    return item;
  }

  async find(id: string): Promise<EquipmentEntity | null> {
    return this.equipment.findOneBy({ id });
  }

  async findByTag(tag: string): Promise<EquipmentEntity | null> {
    return this.equipment.findOneBy({ assetTag: assetTag(tag) });
  }

  async findMany(ids: readonly string[]): Promise<EquipmentEntity[]> {
    return ids.length ? this.equipment.findBy({ id: In([...ids]) }) : [];
  }

  async view(item: EquipmentEntity): Promise<EquipmentView> {
    return (await this.views([item]))[0]!;
  }

  private async views(rows: readonly EquipmentEntity[]): Promise<EquipmentView[]> {
    const ownerIds = [...new Set(rows.map((r) => r.ownerPersonId).filter((id): id is string => id !== null))];
    const owners = new Map((ownerIds.length ? await this.people.summaries(ownerIds) : []).map((p) => [p.id, p.name]));
    const outIds = rows.filter((r) => r.status === 'off_site' || r.status === 'in_repair').map((r) => r.id);
    const open = outIds.length && this.openPasses ? await this.openPasses.openPassIds(outIds) : new Map<string, string>();
    return rows.map((r) => ({
      id: r.id,
      assetTag: r.assetTag,
      serial: r.serial,
      kind: r.kind,
      description: r.description,
      ownerPersonId: r.ownerPersonId,
      ownerName: r.ownerPersonId ? (owners.get(r.ownerPersonId) ?? null) : null,
      homeZoneId: r.homeZoneId,
      storesData: r.storesData,
      status: r.status,
      openPassId: open.get(r.id) ?? null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }
}
