import { randomInt } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import type { GatePassView } from '@acs/shared/api/equipment';
import { UsersService } from '../auth/users.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound, separationOfDuties } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { newId } from '../common/ids.js';
import { assetTag, EquipmentService } from '../equipment/equipment.service.js';
import { MovementLogService } from '../equipment/movement-log.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import type { CreateGatePassDto, DecideGatePassDto, ListGatePassesQuery, RecordDataHandlingDto } from './dto/gate-pass.dto.js';
import { GatePassEntity } from './gate-pass.entity.js';

const DEFAULT_PASS_VALIDITY_MS = 7 * 86_400_000;

/**
 * Gate passes (docs/product-rules.md#gate-passes): an item leaves only on a pass approved by someone other
 * than the requester; repairs of items that store data need a recorded wipe or storage
 * removal first. Each step is recorded in the equipment movement log.
 */
@Injectable()
export class GatePassesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(GatePassEntity) private readonly passes: Repository<GatePassEntity>,
    private readonly equipment: EquipmentService,
    private readonly movements: MovementLogService,
    private readonly users: UsersService,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // The register shows each item's open pass; it builds on nothing of this domain, so it is told how to ask.
    this.equipment.answerOpenPassesWith({ openPassIds: (ids) => this.openPassIds(ids) });
  }

  async requestPass(dto: CreateGatePassDto, actor: Actor): Promise<GatePassView> {
    const item = await this.equipment.findByTag(dto.assetTag);
    if (!item) throw invalid(`assetTag: ${assetTag(dto.assetTag)} is not in the equipment register`);
    const now = this.clock.now();
    const problems: string[] = [];
    if (item.status !== 'in_service') problems.push(`the item is ${item.status.replace('_', ' ')}; only an item in service can leave`);
    const returnable = dto.type === 'returnable' || dto.type === 'repair';
    if (returnable && dto.expectedReturnAt === undefined)
      problems.push(`expectedReturnAt: a ${dto.type} pass needs an expected return date`);
    if (dto.expectedReturnAt !== undefined && dto.expectedReturnAt <= now) problems.push('expectedReturnAt must be in the future');
    if (!returnable && dto.expectedReturnAt !== undefined) problems.push(`expectedReturnAt: a ${dto.type} pass does not come back`);
    const validUntil = dto.validUntil ?? now + DEFAULT_PASS_VALIDITY_MS;
    if (validUntil <= now) problems.push('validUntil must be in the future');
    if (dto.dataHandling && !dto.dataHandlingNote?.trim())
      problems.push('dataHandlingNote: say how the data was wiped or where the storage is kept');
    if (!dto.reason.trim()) problems.push('reason must not be blank');
    if (problems.length) throw invalid(problems);
    if (await this.passes.existsBy({ equipmentId: item.id, status: In(['requested', 'approved', 'out']) }))
      throw conflict(`${item.assetTag} already has an open gate pass`);
    const pass: GatePassEntity = {
      id: newId(),
      number: '',
      equipmentId: item.id,
      type: dto.type,
      reason: dto.reason.trim(),
      status: 'requested',
      requestedByUserId: actor.id,
      requestedAt: now,
      approvedByUserId: null,
      decidedAt: null,
      decisionNote: null,
      validUntil,
      expectedReturnAt: dto.expectedReturnAt ?? null,
      dataHandling: dto.dataHandling ?? null,
      dataHandlingNote: dto.dataHandling ? dto.dataHandlingNote!.trim() : null,
      outAt: null,
      outByUserId: null,
      returnedAt: null,
      returnedByUserId: null,
      overdueAt: null,
    };
    for (let attempt = 0; ; attempt += 1) {
      pass.number = `GP-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
      try {
        await this.dataSource.transaction(async (m) => {
          await m.getRepository(GatePassEntity).insert(pass);
          await this.movements.append(m, 'pass_requested', { item, passId: pass.id, actor, reason: pass.reason });
        });
        break;
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
    return this.publish(pass);
  }

  /** docs/product-rules.md#separation-of-duties: a pass is approved by someone other than whoever asked for it. */
  async decidePass(id: string, dto: DecideGatePassDto, actor: Actor): Promise<GatePassView> {
    const pass = await this.get(id);
    if (pass.requestedByUserId === actor.id)
      throw separationOfDuties('a gate pass is approved by someone other than the person who requested it');
    if (pass.status !== 'requested') throw conflict(`the pass is ${pass.status}`);
    const item = await this.equipment.get(pass.equipmentId);
    const now = this.clock.now();
    Object.assign(pass, { status: dto.decision, approvedByUserId: actor.id, decidedAt: now, decisionNote: dto.note?.trim() || null });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(GatePassEntity).save(pass);
      await this.movements.append(m, dto.decision === 'approved' ? 'pass_approved' : 'pass_rejected', {
        item,
        passId: pass.id,
        actor,
        reason: pass.decisionNote,
      });
    });
    return this.publish(pass);
  }

  /** A repair's wipe or storage removal, recorded before the item may leave. */
  async recordDataHandling(id: string, dto: RecordDataHandlingDto, actor: Actor): Promise<GatePassView> {
    const pass = await this.get(id);
    if (pass.status !== 'requested' && pass.status !== 'approved') throw conflict(`the pass is ${pass.status}`);
    const item = await this.equipment.get(pass.equipmentId);
    Object.assign(pass, { dataHandling: dto.dataHandling, dataHandlingNote: dto.note.trim() });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(GatePassEntity).save(pass);
      await this.movements.append(m, 'updated', {
        item,
        passId: pass.id,
        actor,
        reason: `data handling: ${dto.dataHandling} — ${dto.note.trim()}`,
      });
    });
    return this.publish(pass);
  }

  async cancelPass(id: string, actor: Actor): Promise<GatePassView> {
    const pass = await this.get(id);
    if (pass.status !== 'requested' && pass.status !== 'approved') throw conflict(`the pass is ${pass.status}`);
    if (actor.role === 'employee' && pass.requestedByUserId !== actor.id)
      throw separationOfDuties('only the requester or an admin cancels a pass');
    pass.status = 'cancelled';
    await this.passes.save(pass);
    return this.publish(pass);
  }

  async get(id: string): Promise<GatePassEntity> {
    const pass = await this.passes.findOneBy({ id });
    if (!pass) throw notFound(`gate pass ${id}`);
    return pass;
  }

  async listPasses(query: ListGatePassesQuery, actor: Actor): Promise<GatePassView[]> {
    const where = {
      ...(query.status ? { status: query.status } : {}),
      ...(actor.role === 'employee' ? { requestedByUserId: actor.id } : {}),
    };
    return this.views(await this.passes.find({ where, order: { requestedAt: 'DESC' }, take: 1000 }));
  }

  /** Item id → id of the pass it is out on. */
  async openPassIds(equipmentIds: readonly string[]): Promise<Map<string, string>> {
    if (!equipmentIds.length) return new Map();
    const rows = await this.passes.find({
      select: { id: true, equipmentId: true },
      where: { equipmentId: In([...equipmentIds]), status: 'out' },
    });
    return new Map(rows.map((p) => [p.equipmentId, p.id]));
  }

  async views(rows: readonly GatePassEntity[]): Promise<GatePassView[]> {
    const itemIds = [...new Set(rows.map((r) => r.equipmentId))];
    const items = new Map((await this.equipment.findMany(itemIds)).map((i) => [i.id, i]));
    const refs = await this.users.refs(rows.flatMap((r) => [r.requestedByUserId, r.approvedByUserId, r.outByUserId, r.returnedByUserId]));
    const name = (id: string | null) => (id ? (refs.get(id)?.name ?? id) : null);
    const now = this.clock.now();
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      equipmentId: r.equipmentId,
      assetTag: items.get(r.equipmentId)?.assetTag ?? '',
      equipmentDescription: items.get(r.equipmentId)?.description ?? '',
      type: r.type,
      reason: r.reason,
      status: r.status,
      requestedBy: name(r.requestedByUserId),
      requestedAt: r.requestedAt,
      approvedBy: name(r.approvedByUserId),
      decidedAt: r.decidedAt,
      decisionNote: r.decisionNote,
      validUntil: r.validUntil,
      expectedReturnAt: r.expectedReturnAt,
      dataHandling: r.dataHandling,
      dataHandlingNote: r.dataHandlingNote,
      outAt: r.outAt,
      outBy: name(r.outByUserId),
      returnedAt: r.returnedAt,
      returnedBy: name(r.returnedByUserId),
      overdue: r.status === 'out' && r.expectedReturnAt !== null && r.expectedReturnAt < now,
    }));
  }

  /** Pushes the pass live to staff and to the requester. */
  async emit(pass: GatePassEntity, view: GatePassView): Promise<void> {
    this.realtime.emitGatePass(view, await this.users.personIdOf(pass.requestedByUserId));
  }

  private async publish(pass: GatePassEntity): Promise<GatePassView> {
    const view = (await this.views([pass]))[0]!;
    await this.emit(pass, view);
    return view;
  }
}
