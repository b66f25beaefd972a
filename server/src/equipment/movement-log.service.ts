import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { MovementKind, MovementView } from '@acs/shared/api/equipment';
import { UsersService } from '../auth/users.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { ListMovementsQuery } from './dto/equipment.dto.js';
import { type EquipmentEntity, MovementEntity } from './equipment.entity.js';

/** One step to record: the item (if registered), what happened, who did it and why. */
export interface Movement {
  item?: EquipmentEntity | null;
  passId?: string | null;
  sealId?: string | null;
  actor: Actor;
  decision?: 'allow' | 'stop' | null;
  reason?: string | null;
  zoneId?: string | null;
  personId?: string | null;
  visitId?: string | null;
  assetTag?: string | null;
  snapshot?: Record<string, unknown> | undefined;
}

/**
 * The equipment movement log (docs/product-rules.md#movement-log), append-only: the register, gate passes,
 * the checkpoint, seals and media checks all record their steps here, each inside the
 * transaction of the step, with a copy of the item as it was.
 */
@Injectable()
export class MovementLogService {
  constructor(
    @InjectRepository(MovementEntity) private readonly movements: Repository<MovementEntity>,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  async append(m: EntityManager, kind: MovementKind, p: Movement): Promise<string> {
    const id = newId();
    const item = p.item ?? null;
    const snapshot =
      p.snapshot ??
      (item
        ? {
            assetTag: item.assetTag,
            serial: item.serial,
            kind: item.kind,
            description: item.description,
            ownerPersonId: item.ownerPersonId,
            homeZoneId: item.homeZoneId,
            storesData: item.storesData,
            status: item.status,
          }
        : null);
    await m.getRepository(MovementEntity).insert({
      id,
      at: this.clock.now(),
      kind,
      equipmentId: item?.id ?? null,
      assetTag: item?.assetTag ?? p.assetTag ?? null,
      itemSnapshot: snapshot ? JSON.stringify(snapshot) : null,
      passId: p.passId ?? null,
      sealId: p.sealId ?? null,
      zoneId: p.zoneId ?? null,
      personId: p.personId ?? null,
      visitId: p.visitId ?? null,
      decision: p.decision ?? null,
      reason: p.reason?.slice(0, 500) ?? null,
      actorUserId: p.actor.id,
    });
    return id;
  }

  async list(query: ListMovementsQuery): Promise<MovementView[]> {
    const rows = await this.movements.find({
      where: query.equipmentId ? { equipmentId: query.equipmentId } : {},
      order: { seq: 'DESC' },
      take: query.limit ?? 200,
    });
    const refs = await this.users.refs(rows.map((r) => r.actorUserId));
    return rows.map((r) => ({
      id: r.id,
      seq: r.seq,
      at: r.at,
      kind: r.kind,
      equipmentId: r.equipmentId,
      assetTag: r.assetTag,
      itemSnapshot: r.itemSnapshot ? (JSON.parse(r.itemSnapshot) as Record<string, unknown>) : null,
      passId: r.passId,
      sealId: r.sealId,
      zoneId: r.zoneId,
      personId: r.personId,
      visitId: r.visitId,
      decision: r.decision,
      reason: r.reason,
      actor: r.actorUserId ? (refs.get(r.actorUserId)?.name ?? r.actorUserId) : null,
    }));
  }
}
