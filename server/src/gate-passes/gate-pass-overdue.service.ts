import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { SerialWork } from '../common/serial-work.js';
import { EquipmentService } from '../equipment/equipment.service.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { GatePassEntity } from './gate-pass.entity.js';

const OVERDUE_CHECK_MS = 60_000;

/** Returnable passes past their expected return: one signal each (the alerts domain raises the alert). */
@Injectable()
export class GatePassOverdueService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Equipment');
  private readonly overdueChecks = new SerialWork(this.logger, 'overdue check');

  constructor(
    @InjectRepository(GatePassEntity) private readonly passes: Repository<GatePassEntity>,
    private readonly equipment: EquipmentService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.overdueChecks, 'equipment-overdue', OVERDUE_CHECK_MS, () => this.checkOverdue(this.clock.now()));
  }

  onModuleDestroy(): Promise<void> {
    return this.overdueChecks.stop();
  }

  async checkOverdue(now: number): Promise<number> {
    const overdue = await this.passes.find({ where: { status: 'out', expectedReturnAt: LessThan(now), overdueAt: IsNull() } });
    for (const pass of overdue) {
      await this.passes.update({ id: pass.id }, { overdueAt: now });
      const item = await this.equipment.find(pass.equipmentId);
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
}
