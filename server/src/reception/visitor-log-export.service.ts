import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, type Repository } from 'typeorm';
import type { Locale } from '@acs/shared/api/users';
import { AuditService } from '../audit/audit.service.js';
import { formatSiteTime, toCsv } from '../common/csv.js';
import { checkPeriodOrder } from '../common/period.query.js';
import { reportLabels, withTimeZone } from '../common/report-labels.js';
import { SiteService } from '../site/site.service.js';
import { VisitEntity } from './visit.entity.js';
import { VisitsService } from './visits.service.js';

/** The visitor log export (docs/product-rules.md#reports-and-exports): who came, to whom, when, and who let them in and out. */
@Injectable()
export class VisitorLogExportService {
  constructor(
    @InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>,
    private readonly records: VisitsService,
    private readonly site: SiteService,
    private readonly audit: AuditService,
  ) {}

  /** The visitor log for a period as CSV, in the reader's language and the site's time. */
  async exportCsv(from: number, to: number, locale: Locale): Promise<{ filename: string; csv: string }> {
    checkPeriodOrder({ from, to });
    const site = await this.site.get();
    const tz = site.timeZone;
    const L = reportLabels(locale).visits;
    const rows = await this.visits.find({ where: { checkedInAt: Between(from, to) }, order: { checkedInAt: 'ASC' } });
    const views = await this.records.views(rows);
    const csv = toCsv(
      [
        L.visitor,
        L.company,
        L.host,
        L.purpose,
        L.zones,
        withTimeZone(L.windowStart, tz),
        withTimeZone(L.windowEnd, tz),
        withTimeZone(L.checkedIn, tz),
        L.checkedInBy,
        withTimeZone(L.signedOut, tz),
        L.signedOutBy,
        L.signoutKind,
        L.reason,
        L.card,
        L.idDocument,
        L.items,
        L.itemsDecision,
      ],
      views.map((v) => [
        v.visitorName,
        v.visitorCompany,
        v.hostName,
        v.purpose,
        v.zoneIds.join(' '),
        formatSiteTime(v.windowStart, tz),
        formatSiteTime(v.windowEnd, tz),
        formatSiteTime(v.checkedInAt, tz),
        v.checkedInBy,
        formatSiteTime(v.signedOutAt, tz),
        v.signedOutBy,
        v.signoutKind ? L.signoutKinds[v.signoutKind] : v.status === 'on_site' ? L.onSite : '',
        v.signoutReason,
        v.credentialDisplay,
        v.idNumberMasked ? `${v.idDocumentType} ${v.idNumberMasked}` : '',
        v.items.map((i) => `${i.kind}: ${i.description}${i.serial ? ` (${i.serial})` : ''}`).join('; '),
        v.itemsDecision,
      ]),
    );
    await this.audit.record({
      action: 'report.export',
      entityType: 'visit',
      entityId: null,
      detail: `visitor log ${new Date(from).toISOString()} – ${new Date(to).toISOString()}: ${views.length} visits`,
    });
    return { filename: `visitor-log-${formatSiteTime(from, tz).slice(0, 10)}-${formatSiteTime(to, tz).slice(0, 10)}.csv`, csv };
  }
}
