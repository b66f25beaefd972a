import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, IsNull, LessThan, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { formatSiteTime } from '../common/csv.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { SerialWork } from '../common/serial-work.js';
import { nextLocalTime } from '../common/site-time.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { PeopleService } from '../people/people.service.js';
import { SiteService } from '../site/site.service.js';
import { VisitCheckInService } from './visit-check-in.service.js';
import { DEFAULT_RECEPTION_SETTINGS } from './visit-rules.js';
import { VisitEntity } from './visit.entity.js';
import { VisitsService } from './visits.service.js';

const SWEEP_INTERVAL_MS = 30_000;
const ANONYMISED_NAME = '(anonymised)';

/**
 * The visit time rules, run by a timer on one instance at a time: overstay, end-of-day
 * sign-out, no-shows, and anonymisation after the retention period.
 */
@Injectable()
export class VisitSweeperService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Visits');
  private readonly sweeps = new SerialWork(this.logger, 'visit sweep');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>,
    private readonly records: VisitsService,
    private readonly checkInOut: VisitCheckInService,
    private readonly people: PeopleService,
    private readonly site: SiteService,
    private readonly audit: AuditService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.sweeps, 'visit-sweep', SWEEP_INTERVAL_MS, () => this.sweep(this.clock.now()));
  }

  onModuleDestroy(): Promise<void> {
    return this.sweeps.stop();
  }

  /** One pass of the time rules; the timer runs it every 30 s and tests call it with their clock. */
  async sweep(now: number): Promise<{ overstays: number; signedOut: number; cancelled: number; anonymised: number }> {
    const site = await this.site.get();
    const settings = { ...DEFAULT_RECEPTION_SETTINGS, ...(site.reception ?? {}) };
    let overstays = 0;
    let signedOut = 0;
    for (const visit of await this.visits.find({ where: { status: 'on_site', windowEnd: LessThan(now) } })) {
      if (now >= nextLocalTime(site.timeZone, visit.windowEnd, settings.endOfDay)) {
        const reason = `end-of-day sign-out at ${settings.endOfDay}: still signed in ${formatSiteTime(visit.windowEnd, site.timeZone)} after the visit window`;
        await this.checkInOut.endVisit(visit, 'end_of_day', reason, null);
        await this.audit.record({ action: 'visit.forced_signout', entityType: 'visit', entityId: visit.id, detail: reason });
        this.signals.emit('visit.forced_signout', { visitId: visit.id, visitorName: visit.visitorName, reason, at: now });
        await this.records.publish(visit);
        signedOut += 1;
      } else if (visit.overstayAt === null) {
        await this.visits.update({ id: visit.id }, { overstayAt: now, updatedAt: now });
        visit.overstayAt = now;
        this.signals.emit('visit.overstay', {
          visitId: visit.id,
          visitorName: visit.visitorName,
          hostPersonId: visit.hostPersonId,
          windowEnd: visit.windowEnd,
          at: now,
        });
        await this.records.publish(visit);
        overstays += 1;
      }
    }
    let cancelled = 0;
    for (const visit of await this.visits.find({ where: { status: In(['expected', 'awaiting_host']), windowEnd: LessThan(now) } })) {
      Object.assign(visit, { status: 'cancelled', signoutReason: 'did not arrive before the visit window ended', updatedAt: now });
      await this.visits.save(visit);
      cancelled += 1;
    }
    const anonymised = await this.anonymise(now - settings.retentionDays * 86_400_000);
    return { overstays, signedOut, cancelled, anonymised };
  }

  /** Personal data of visits that ended before `cutoff` is removed; the visit, card and events stay. */
  private async anonymise(cutoff: number): Promise<number> {
    const due = await this.visits.find({
      where: { status: In(['signed_out', 'cancelled', 'denied']), anonymisedAt: IsNull(), windowEnd: LessThan(cutoff) },
      take: 500,
    });
    const now = this.clock.now();
    for (const visit of due) {
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(VisitEntity).update(
          { id: visit.id },
          {
            visitorName: ANONYMISED_NAME,
            visitorCompany: null,
            visitorPhone: null,
            photo: null,
            idNumberMasked: null,
            idNumberHash: null,
            items: visit.items.map((i) => ({ kind: i.kind, description: i.kind, serial: null })),
            itemsAtSignout: visit.itemsAtSignout?.map((i) => ({ kind: i.kind, description: i.kind, serial: null })) ?? null,
            anonymisedAt: now,
            updatedAt: now,
          },
        );
        if (visit.personId) await this.people.anonymiseVisitor(visit.personId, ANONYMISED_NAME, now, m);
      });
    }
    if (due.length)
      await this.audit.record({
        action: 'visit.anonymise',
        entityType: 'visit',
        entityId: null,
        detail: `${due.length} visits ended before ${new Date(cutoff).toISOString()}`,
      });
    return due.length;
  }
}
