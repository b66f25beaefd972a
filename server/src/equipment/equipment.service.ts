import { randomInt } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, LessThan, type Repository } from 'typeorm';
import type { CheckpointDecision, CheckpointReason, EquipmentView, GatePassView, MovementKind, MovementView, SealView } from '@acs/shared/api/equipment';
import { UserEntity } from '../auth/user.entity.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound, separationOfDuties } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { newId } from '../common/ids.js';
import { SerialWork } from '../common/serial-work.js';
import { loadUserRefs } from '../common/user-refs.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { PersonEntity } from '../people/person.entity.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import type {
  ApplySealDto,
  CheckpointDto,
  CreateEquipmentDto,
  CreateGatePassDto,
  DecideGatePassDto,
  InspectSealDto,
  ListGatePassesQuery,
  ListMovementsQuery,
  MediaCheckDto,
  RecordDataHandlingDto,
  ReplaceSealDto,
  ReturnToServiceDto,
  UpdateEquipmentDto,
} from './dto/equipment.dto.js';
import { EquipmentEntity, GatePassEntity, MovementEntity, SealEntity } from './equipment.entity.js';

const DEFAULT_PASS_VALIDITY_MS = 7 * 86_400_000;
const OVERDUE_CHECK_MS = 60_000;
const REASON_TEXT: Record<CheckpointReason, string> = {
  pass_valid: 'approved pass: let it through',
  return_recorded: 'return recorded against its pass',
  unknown_item: 'the tag is not in the equipment register',
  no_pass: 'no gate pass was shown',
  pass_not_for_item: 'the pass is for another item (or does not exist)',
  pass_not_approved: 'the pass has not been approved',
  pass_expired: 'the pass has expired',
  pass_used: 'the pass was already used',
  item_not_out: 'the item is not out on a pass',
  item_disposed: 'the item was disposed of',
  repair_without_data_handling: 'repair needs a recorded data wipe or storage removal first',
};

/** Upper case, no spaces: what is printed on the label is what the guard types. */
const tag = (value: string) => value.trim().toUpperCase();

/**
 * Equipment and media (requirements §4): the register, gate passes approved by someone
 * other than the requester, the checkpoint's allow/stop with the reason, seals, repairs.
 * Every step writes an append-only movement that keeps a copy of the item as it was.
 */
@Injectable()
export class EquipmentService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Equipment');
  private readonly overdueChecks = new SerialWork(this.logger, 'overdue check');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(EquipmentEntity) private readonly equipment: Repository<EquipmentEntity>,
    @InjectRepository(GatePassEntity) private readonly passes: Repository<GatePassEntity>,
    @InjectRepository(SealEntity) private readonly seals: Repository<SealEntity>,
    @InjectRepository(MovementEntity) private readonly movements: Repository<MovementEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
    @InjectRepository(ZoneEntity) private readonly zones: Repository<ZoneEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly signals: DomainSignalBus,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.overdueChecks, 'equipment-overdue', OVERDUE_CHECK_MS, () => this.checkOverdue(this.clock.now()));
  }

  onModuleDestroy(): Promise<void> {
    return this.overdueChecks.stop();
  }

  // ---- register -----------------------------------------------------------------------

  async register(dto: CreateEquipmentDto, actor: Actor): Promise<EquipmentView> {
    await this.checkRefs(dto.ownerPersonId, dto.homeZoneId);
    const now = this.clock.now();
    const item: EquipmentEntity = {
      id: newId(),
      assetTag: tag(dto.assetTag),
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
      if (await m.getRepository(EquipmentEntity).findOneBy({ assetTag: item.assetTag })) throw conflict(`asset tag ${item.assetTag} is already registered`);
      await m.getRepository(EquipmentEntity).insert(item);
      await this.move(m, 'registered', { item, actor });
    });
    return this.view(item);
  }

  async update(id: string, dto: UpdateEquipmentDto, actor: Actor): Promise<EquipmentView> {
    const item = await this.item(id);
    await this.checkRefs(dto.ownerPersonId, dto.homeZoneId);
    if (dto.serial !== undefined) item.serial = dto.serial?.trim() || null;
    if (dto.description !== undefined) item.description = dto.description.trim();
    if (dto.ownerPersonId !== undefined) item.ownerPersonId = dto.ownerPersonId;
    if (dto.homeZoneId !== undefined) item.homeZoneId = dto.homeZoneId;
    if (dto.storesData !== undefined && item.kind !== 'storage_medium') item.storesData = dto.storesData;
    item.updatedAt = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(EquipmentEntity).save(item);
      await this.move(m, 'updated', { item, actor });
    });
    return this.view(item);
  }

  private async checkRefs(ownerPersonId: string | null | undefined, homeZoneId: string | null | undefined): Promise<void> {
    const problems: string[] = [];
    if (ownerPersonId && !(await this.people.existsBy({ id: ownerPersonId }))) problems.push(`ownerPersonId: person ${ownerPersonId} does not exist`);
    if (homeZoneId && !(await this.zones.existsBy({ id: homeZoneId }))) problems.push(`homeZoneId: zone ${homeZoneId} does not exist`);
    if (problems.length) throw invalid(problems);
  }

  async list(q?: string): Promise<EquipmentView[]> {
    let rows = await this.equipment.find({ order: { assetTag: 'ASC' }, take: 5000 });
    if (q?.trim()) {
      const needle = q.trim().toLowerCase();
      rows = rows.filter((r) => r.assetTag.toLowerCase().includes(needle) || r.description.toLowerCase().includes(needle) || (r.serial ?? '').toLowerCase().includes(needle));
    }
    return this.views(rows);
  }

  async detail(id: string): Promise<EquipmentView> {
    return this.view(await this.item(id));
  }

  private async item(id: string): Promise<EquipmentEntity> {
    const item = await this.equipment.findOneBy({ id });
    if (!item) throw notFound(`equipment ${id}`);
    return item;
  }

  private async byTag(assetTag: string): Promise<EquipmentEntity | null> {
    return this.equipment.findOneBy({ assetTag: tag(assetTag) });
  }

  // ---- gate passes --------------------------------------------------------------------

  async requestPass(dto: CreateGatePassDto, actor: Actor): Promise<GatePassView> {
    const item = await this.byTag(dto.assetTag);
    if (!item) throw invalid(`assetTag: ${tag(dto.assetTag)} is not in the equipment register`);
    const now = this.clock.now();
    const problems: string[] = [];
    if (item.status !== 'in_service') problems.push(`the item is ${item.status.replace('_', ' ')}; only an item in service can leave`);
    const returnable = dto.type === 'returnable' || dto.type === 'repair';
    if (returnable && dto.expectedReturnAt === undefined) problems.push(`expectedReturnAt: a ${dto.type} pass needs an expected return date`);
    if (dto.expectedReturnAt !== undefined && dto.expectedReturnAt <= now) problems.push('expectedReturnAt must be in the future');
    if (!returnable && dto.expectedReturnAt !== undefined) problems.push(`expectedReturnAt: a ${dto.type} pass does not come back`);
    const validUntil = dto.validUntil ?? now + DEFAULT_PASS_VALIDITY_MS;
    if (validUntil <= now) problems.push('validUntil must be in the future');
    if (dto.dataHandling && !dto.dataHandlingNote?.trim()) problems.push('dataHandlingNote: say how the data was wiped or where the storage is kept');
    if (!dto.reason.trim()) problems.push('reason must not be blank');
    if (problems.length) throw invalid(problems);
    if (await this.passes.existsBy({ equipmentId: item.id, status: In(['requested', 'approved', 'out']) })) throw conflict(`${item.assetTag} already has an open gate pass`);
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
          await this.move(m, 'pass_requested', { item, pass, actor, reason: pass.reason });
        });
        break;
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
    return this.publishPass(pass);
  }

  /** Requirements §4: a pass is approved by someone other than whoever asked for it. */
  async decidePass(id: string, dto: DecideGatePassDto, actor: Actor): Promise<GatePassView> {
    const pass = await this.pass(id);
    if (pass.requestedByUserId === actor.id) throw separationOfDuties('a gate pass is approved by someone other than the person who requested it');
    if (pass.status !== 'requested') throw conflict(`the pass is ${pass.status}`);
    const item = await this.item(pass.equipmentId);
    const now = this.clock.now();
    Object.assign(pass, { status: dto.decision, approvedByUserId: actor.id, decidedAt: now, decisionNote: dto.note?.trim() || null });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(GatePassEntity).save(pass);
      await this.move(m, dto.decision === 'approved' ? 'pass_approved' : 'pass_rejected', { item, pass, actor, reason: pass.decisionNote });
    });
    return this.publishPass(pass);
  }

  /** A repair's wipe or storage removal, recorded before the item may leave. */
  async recordDataHandling(id: string, dto: RecordDataHandlingDto, actor: Actor): Promise<GatePassView> {
    const pass = await this.pass(id);
    if (pass.status !== 'requested' && pass.status !== 'approved') throw conflict(`the pass is ${pass.status}`);
    const item = await this.item(pass.equipmentId);
    Object.assign(pass, { dataHandling: dto.dataHandling, dataHandlingNote: dto.note.trim() });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(GatePassEntity).save(pass);
      await this.move(m, 'updated', { item, pass, actor, reason: `data handling: ${dto.dataHandling} — ${dto.note.trim()}` });
    });
    return this.publishPass(pass);
  }

  async cancelPass(id: string, actor: Actor): Promise<GatePassView> {
    const pass = await this.pass(id);
    if (pass.status !== 'requested' && pass.status !== 'approved') throw conflict(`the pass is ${pass.status}`);
    if (actor.role === 'employee' && pass.requestedByUserId !== actor.id) throw separationOfDuties('only the requester or an admin cancels a pass');
    pass.status = 'cancelled';
    await this.passes.save(pass);
    return this.publishPass(pass);
  }

  private async pass(id: string): Promise<GatePassEntity> {
    const pass = await this.passes.findOneBy({ id });
    if (!pass) throw notFound(`gate pass ${id}`);
    return pass;
  }

  async listPasses(query: ListGatePassesQuery, actor: Actor): Promise<GatePassView[]> {
    const where = { ...(query.status ? { status: query.status } : {}), ...(actor.role === 'employee' ? { requestedByUserId: actor.id } : {}) };
    return this.passViews(await this.passes.find({ where, order: { requestedAt: 'DESC' }, take: 1000 }));
  }

  // ---- the checkpoint -----------------------------------------------------------------

  /** The guard scans or types the tag (and the pass): allow or stop, and why. Either way it is recorded. */
  async checkpoint(dto: CheckpointDto, actor: Actor): Promise<CheckpointDecision> {
    const item = await this.byTag(dto.assetTag);
    const pass = dto.passNumber?.trim() ? await this.passes.findOneBy({ number: dto.passNumber.trim().toUpperCase() }) : null;
    const now = this.clock.now();
    const stop = (reason: CheckpointReason) => this.decide('stop', reason, dto, item, pass, actor);
    if (!item) return stop('unknown_item');
    if (dto.direction === 'in') {
      const open = await this.passes.findOneBy({ equipmentId: item.id, status: 'out' });
      if (!open) return stop(item.status === 'disposed' ? 'item_disposed' : 'item_not_out');
      return this.dataSource.transaction(async (m) => {
        Object.assign(open, { status: 'returned', returnedAt: now, returnedByUserId: actor.id });
        // Back from repair: not usable until a seal/tamper check (requirements §4).
        Object.assign(item, { status: open.type === 'repair' ? 'awaiting_check' : 'in_service', updatedAt: now });
        await m.getRepository(GatePassEntity).save(open);
        await m.getRepository(EquipmentEntity).save(item);
        return this.decide('allow', 'return_recorded', dto, item, open, actor, m);
      });
    }
    if (item.status === 'disposed') return stop('item_disposed');
    if (!dto.passNumber?.trim()) return stop('no_pass');
    if (!pass || pass.equipmentId !== item.id) return stop('pass_not_for_item');
    if (pass.status === 'requested' || pass.status === 'rejected' || pass.status === 'cancelled') return stop('pass_not_approved');
    if (pass.status !== 'approved') return stop('pass_used');
    if (pass.validUntil < now) return stop('pass_expired');
    if (pass.type === 'repair' && item.storesData && !pass.dataHandling) return stop('repair_without_data_handling');
    return this.dataSource.transaction(async (m) => {
      const leavesForGood = pass.type === 'non_returnable' || pass.type === 'disposal';
      Object.assign(pass, { status: leavesForGood ? 'closed' : 'out', outAt: now, outByUserId: actor.id });
      Object.assign(item, { status: leavesForGood ? 'disposed' : pass.type === 'repair' ? 'in_repair' : 'off_site', updatedAt: now });
      await m.getRepository(GatePassEntity).save(pass);
      await m.getRepository(EquipmentEntity).save(item);
      return this.decide('allow', 'pass_valid', dto, item, pass, actor, m);
    });
  }

  private async decide(
    decision: 'allow' | 'stop',
    reason: CheckpointReason,
    dto: CheckpointDto,
    item: EquipmentEntity | null,
    pass: GatePassEntity | null,
    actor: Actor,
    manager?: EntityManager,
  ): Promise<CheckpointDecision> {
    const kind: MovementKind = decision === 'stop' ? 'stopped' : dto.direction === 'in' ? 'return' : 'exit';
    const write = (m: EntityManager) => this.move(m, kind, { item, pass, actor, decision, reason: `${reason}: ${REASON_TEXT[reason]}`, assetTag: tag(dto.assetTag) });
    const movementId = manager ? await write(manager) : await this.dataSource.transaction(write);
    if (decision === 'stop') {
      this.signals.emit('equipment.stopped', { equipmentId: item?.id ?? null, assetTag: tag(dto.assetTag), reason, guardUserId: actor.id, at: this.clock.now() });
    }
    const passView = pass ? (await this.passViews([pass]))[0]! : null;
    if (passView && decision === 'allow') this.realtime.emitGatePass(passView, await this.personOfUser(pass!.requestedByUserId));
    return { decision, reason, detail: REASON_TEXT[reason], equipment: item ? await this.view(item) : null, pass: passView, movementId };
  }

  async returnToService(id: string, dto: ReturnToServiceDto, actor: Actor): Promise<EquipmentView> {
    const item = await this.item(id);
    if (item.status !== 'awaiting_check') throw conflict(`the item is ${item.status}; only an item back from repair waits for a check`);
    if (dto.check === 'intact') {
      const seals = await this.seals.findBy({ equipmentId: item.id, status: 'intact' });
      if (!seals.length) throw conflict('the item has no intact seal on record: inspect its seals, or record a tamper check (tamper_free)');
    }
    item.status = 'in_service';
    item.updatedAt = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(EquipmentEntity).save(item);
      await this.move(m, 'returned_to_service', { item, actor, reason: `${dto.check}: ${dto.note.trim()}` });
    });
    return this.view(item);
  }

  /** Overdue returnable passes: one signal each (the alerts module raises the alert). */
  async checkOverdue(now: number): Promise<number> {
    const overdue = await this.passes.find({ where: { status: 'out', expectedReturnAt: LessThan(now), overdueAt: IsNull() } });
    for (const pass of overdue) {
      await this.passes.update({ id: pass.id }, { overdueAt: now });
      const item = await this.equipment.findOneBy({ id: pass.equipmentId });
      this.signals.emit('equipment.overdue', {
        passId: pass.id,
        equipmentId: pass.equipmentId,
        assetTag: item?.assetTag ?? '',
        expectedReturnAt: pass.expectedReturnAt!,
        holderPersonId: item?.ownerPersonId ?? null,
        at: now,
      });
    }
    return overdue.length;
  }

  // ---- seals --------------------------------------------------------------------------

  async applySeal(dto: ApplySealDto, actor: Actor): Promise<SealView> {
    const item = dto.assetTag ? await this.byTag(dto.assetTag) : null;
    if (dto.assetTag && !item) throw invalid(`assetTag: ${tag(dto.assetTag)} is not in the equipment register`);
    if (!item && !dto.location?.trim()) throw invalid('a seal goes on a registered item (assetTag) or at a location');
    if (dto.zoneId && !(await this.zones.existsBy({ id: dto.zoneId }))) throw invalid(`zoneId: zone ${dto.zoneId} does not exist`);
    const seal = this.newSeal(dto.number, item, dto.location ?? null, dto.zoneId ?? item?.homeZoneId ?? null, actor);
    await this.dataSource.transaction(async (m) => {
      if (await m.getRepository(SealEntity).existsBy({ number: seal.number })) throw conflict(`seal ${seal.number} is already on record`);
      await m.getRepository(SealEntity).insert(seal);
      await this.move(m, 'seal_applied', { item, seal, actor });
    });
    return (await this.sealViews([seal]))[0]!;
  }

  async inspectSeal(id: string, dto: InspectSealDto, actor: Actor): Promise<SealView> {
    const seal = await this.seal(id);
    if (seal.status !== 'intact') throw conflict(`seal ${seal.number} is ${seal.status}`);
    const item = seal.equipmentId ? await this.equipment.findOneBy({ id: seal.equipmentId }) : null;
    const now = this.clock.now();
    Object.assign(seal, { status: dto.result, lastInspectedAt: now, lastInspectedByUserId: actor.id });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(SealEntity).save(seal);
      await this.move(m, 'seal_inspected', { item, seal, actor, decision: dto.result === 'intact' ? 'allow' : 'stop', reason: `${dto.result}${dto.note?.trim() ? `: ${dto.note.trim()}` : ''}` });
    });
    if (dto.result === 'broken') {
      this.signals.emit('seal.broken', { sealId: seal.id, sealNumber: seal.number, equipmentId: seal.equipmentId, zoneId: seal.zoneId, inspectedByUserId: actor.id, note: dto.note?.trim() || null, at: now });
    }
    return (await this.sealViews([seal]))[0]!;
  }

  async replaceSeal(id: string, dto: ReplaceSealDto, actor: Actor): Promise<SealView> {
    const old = await this.seal(id);
    if (old.status === 'replaced' || old.status === 'removed') throw conflict(`seal ${old.number} is ${old.status}`);
    const item = old.equipmentId ? await this.equipment.findOneBy({ id: old.equipmentId }) : null;
    const seal = this.newSeal(dto.newNumber, item, old.location, old.zoneId, actor);
    await this.dataSource.transaction(async (m) => {
      if (await m.getRepository(SealEntity).existsBy({ number: seal.number })) throw conflict(`seal ${seal.number} is already on record`);
      await m.getRepository(SealEntity).insert(seal);
      await m.getRepository(SealEntity).update({ id: old.id }, { status: 'replaced', replacedBySealId: seal.id });
      await this.move(m, 'seal_replaced', { item, seal, actor, reason: `${old.number} → ${seal.number}: ${dto.note.trim()}` });
    });
    return (await this.sealViews([seal]))[0]!;
  }

  private newSeal(number: string, item: EquipmentEntity | null, location: string | null, zoneId: string | null, actor: Actor): SealEntity {
    return {
      id: newId(),
      number: tag(number),
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

  private async seal(id: string): Promise<SealEntity> {
    const seal = await this.seals.findOneBy({ id });
    if (!seal) throw notFound(`seal ${id}`);
    return seal;
  }

  async listSeals(): Promise<SealView[]> {
    return this.sealViews(await this.seals.find({ order: { appliedAt: 'DESC' }, take: 5000 }));
  }

  // ---- storage media ------------------------------------------------------------------

  /**
   * A storage medium carried into a zone: registered media pass; unregistered media into
   * L2/L3 is a violation against the carrier (requirements §4), recorded and signalled.
   */
  async mediaCheck(dto: MediaCheckDto, actor: Actor): Promise<{ decision: 'allow' | 'stop'; violation: boolean; detail: string; movementId: string }> {
    const zone = await this.zones.findOneBy({ id: dto.zoneId });
    if (!zone) throw invalid(`zoneId: zone ${dto.zoneId} does not exist`);
    if (dto.personId && !(await this.people.existsBy({ id: dto.personId }))) throw invalid(`personId: person ${dto.personId} does not exist`);
    const item = dto.assetTag ? await this.byTag(dto.assetTag) : null;
    const registered = item !== null && item.kind === 'storage_medium' && item.status === 'in_service';
    const violation = !registered && zone.level >= 2;
    const detail = registered
      ? `registered medium ${item!.assetTag}`
      : violation
        ? `unregistered storage medium "${dto.description.trim()}" into L${zone.level} zone ${zone.name}`
        : `unregistered storage medium "${dto.description.trim()}" into L${zone.level} zone ${zone.name} (allowed below L2; register it before use)`;
    const movementId = await this.dataSource.transaction((m) =>
      this.move(m, violation ? 'media_violation' : 'media_entry', {
        item,
        actor,
        decision: violation ? 'stop' : 'allow',
        reason: detail,
        zoneId: zone.id,
        personId: dto.personId ?? null,
        visitId: dto.visitId ?? null,
        assetTag: dto.assetTag ? tag(dto.assetTag) : null,
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

  // ---- the movement log ---------------------------------------------------------------

  private async move(
    m: EntityManager,
    kind: MovementKind,
    p: {
      item?: EquipmentEntity | null;
      pass?: GatePassEntity | null;
      seal?: SealEntity | null;
      actor: Actor;
      decision?: 'allow' | 'stop' | null;
      reason?: string | null;
      zoneId?: string | null;
      personId?: string | null;
      visitId?: string | null;
      assetTag?: string | null;
      snapshot?: Record<string, unknown> | undefined;
    },
  ): Promise<string> {
    const id = newId();
    const item = p.item ?? null;
    const snapshot = p.snapshot ?? (item ? { assetTag: item.assetTag, serial: item.serial, kind: item.kind, description: item.description, ownerPersonId: item.ownerPersonId, homeZoneId: item.homeZoneId, storesData: item.storesData, status: item.status } : null);
    await m.getRepository(MovementEntity).insert({
      id,
      at: this.clock.now(),
      kind,
      equipmentId: item?.id ?? null,
      assetTag: item?.assetTag ?? p.assetTag ?? null,
      itemSnapshot: snapshot ? JSON.stringify(snapshot) : null,
      passId: p.pass?.id ?? null,
      sealId: p.seal?.id ?? null,
      zoneId: p.zoneId ?? null,
      personId: p.personId ?? null,
      visitId: p.visitId ?? null,
      decision: p.decision ?? null,
      reason: p.reason?.slice(0, 500) ?? null,
      actorUserId: p.actor.id,
    });
    return id;
  }

  async listMovements(query: ListMovementsQuery): Promise<MovementView[]> {
    const rows = await this.movements.find({ where: query.equipmentId ? { equipmentId: query.equipmentId } : {}, order: { seq: 'DESC' }, take: query.limit ?? 200 });
    const refs = await loadUserRefs(this.users, rows.map((r) => r.actorUserId));
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

  // ---- views --------------------------------------------------------------------------

  private async view(item: EquipmentEntity): Promise<EquipmentView> {
    return (await this.views([item]))[0]!;
  }

  private async views(rows: readonly EquipmentEntity[]): Promise<EquipmentView[]> {
    const ownerIds = [...new Set(rows.map((r) => r.ownerPersonId).filter((id): id is string => id !== null))];
    const owners = new Map((ownerIds.length ? await this.people.find({ select: { id: true, name: true }, where: { id: In(ownerIds) } }) : []).map((p) => [p.id, p.name]));
    const outIds = rows.filter((r) => r.status === 'off_site' || r.status === 'in_repair').map((r) => r.id);
    const open = new Map((outIds.length ? await this.passes.find({ select: { id: true, equipmentId: true }, where: { equipmentId: In(outIds), status: 'out' } }) : []).map((p) => [p.equipmentId, p.id]));
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

  private async passViews(rows: readonly GatePassEntity[]): Promise<GatePassView[]> {
    const itemIds = [...new Set(rows.map((r) => r.equipmentId))];
    const items = new Map((itemIds.length ? await this.equipment.findBy({ id: In(itemIds) }) : []).map((i) => [i.id, i]));
    const refs = await loadUserRefs(this.users, rows.flatMap((r) => [r.requestedByUserId, r.approvedByUserId, r.outByUserId, r.returnedByUserId]));
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

  private async sealViews(rows: readonly SealEntity[]): Promise<SealView[]> {
    const itemIds = [...new Set(rows.map((r) => r.equipmentId).filter((id): id is string => id !== null))];
    const tags = new Map((itemIds.length ? await this.equipment.find({ select: { id: true, assetTag: true }, where: { id: In(itemIds) } }) : []).map((i) => [i.id, i.assetTag]));
    const refs = await loadUserRefs(this.users, rows.flatMap((r) => [r.appliedByUserId, r.lastInspectedByUserId]));
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

  private async personOfUser(userId: string): Promise<string | null> {
    return (await this.users.findOne({ select: { id: true, personId: true }, where: { id: userId } }))?.personId ?? null;
  }

  private async publishPass(pass: GatePassEntity): Promise<GatePassView> {
    const view = (await this.passViews([pass]))[0]!;
    this.realtime.emitGatePass(view, await this.personOfUser(pass.requestedByUserId));
    return view;
  }
}
