import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { CheckpointDecision, CheckpointReason, MovementKind } from '@acs/shared/api/equipment';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import type { EquipmentEntity } from '../equipment/equipment.entity.js';
import { assetTag, EquipmentService } from '../equipment/equipment.service.js';
import { MovementLogService } from '../equipment/movement-log.service.js';
import type { CheckpointDto } from './dto/gate-pass.dto.js';
import { GatePassEntity } from './gate-pass.entity.js';
import { GatePassesService } from './gate-passes.service.js';

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

/**
 * The checkpoint (docs/product-rules.md#gate-passes): the guard scans or types the tag (and the pass) and
 * gets allow or stop with the reason; either way it is recorded in the movement log.
 */
@Injectable()
export class CheckpointService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(GatePassEntity) private readonly passes: Repository<GatePassEntity>,
    private readonly gatePasses: GatePassesService,
    private readonly equipment: EquipmentService,
    private readonly movements: MovementLogService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  async checkpoint(dto: CheckpointDto, actor: Actor): Promise<CheckpointDecision> {
    const item = await this.equipment.findByTag(dto.assetTag);
    const pass = dto.passNumber?.trim() ? await this.passes.findOneBy({ number: dto.passNumber.trim().toUpperCase() }) : null;
    const now = this.clock.now();
    const stop = (reason: CheckpointReason) => this.decide('stop', reason, dto, item, pass, actor);
    if (!item) return stop('unknown_item');
    if (dto.direction === 'in') {
      const open = await this.passes.findOneBy({ equipmentId: item.id, status: 'out' });
      if (!open) return stop(item.status === 'disposed' ? 'item_disposed' : 'item_not_out');
      return this.dataSource.transaction(async (m) => {
        Object.assign(open, { status: 'returned', returnedAt: now, returnedByUserId: actor.id });
        // Back from repair: not usable until a seal/tamper check (docs/product-rules.md#repair).
        Object.assign(item, { status: open.type === 'repair' ? 'awaiting_check' : 'in_service', updatedAt: now });
        await m.getRepository(GatePassEntity).save(open);
        await this.equipment.saveStatus(item, m);
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
      await this.equipment.saveStatus(item, m);
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
    const write = (m: EntityManager) =>
      this.movements.append(m, kind, {
        item,
        passId: pass?.id ?? null,
        actor,
        decision,
        reason: `${reason}: ${REASON_TEXT[reason]}`,
        assetTag: assetTag(dto.assetTag),
      });
    const movementId = manager ? await write(manager) : await this.dataSource.transaction(write);
    if (decision === 'stop') {
      this.signals.emit('equipment.stopped', {
        equipmentId: item?.id ?? null,
        assetTag: assetTag(dto.assetTag),
        reason,
        guardUserId: actor.id,
        at: this.clock.now(),
      });
    }
    const passView = pass ? (await this.gatePasses.views([pass]))[0]! : null;
    if (passView && decision === 'allow') await this.gatePasses.emit(pass!, passView);
    return {
      decision,
      reason,
      detail: REASON_TEXT[reason],
      equipment: item ? await this.equipment.view(item) : null,
      pass: passView,
      movementId,
    };
  }
}
