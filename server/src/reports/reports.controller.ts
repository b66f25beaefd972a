import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Locale } from '@acs/shared/api/views';
import { type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { invalid } from '../common/api-exception.js';
import { formatSiteTime, toCsv } from '../common/csv.js';
import { ListEventsQuery } from '../events/dto/list-events.query.js';
import { EventsService } from '../events/events.service.js';
import { SiteService } from '../site/site.service.js';

interface StreamResponse {
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): void;
  end(): void;
}

const HEADINGS: Record<Locale, string[]> = {
  en: ['Time', 'Door', 'Direction', 'Zone', 'Person', 'Card', 'Granted', 'Reason', 'Agent'],
  'zh-CN': ['时间', '门', '方向', '区域', '人员', '卡', '是否放行', '原因', '门控制器'],
};

/**
 * Reports (requirements §7). The access history (by person, zone, door and period) streams as
 * CSV a page at a time, so a million rows never sit in memory and the download shows
 * progress in the browser instead of timing out.
 */
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly events: EventsService,
    private readonly site: SiteService,
    private readonly audit: AuditService,
  ) {}

  @Roles(['admin', 'guard', 'auditor'])
  @Get('access-history.csv')
  async accessHistory(@CurrentAuth() auth: AuthContext, @Query() query: ListEventsQuery, @Res() res: StreamResponse): Promise<void> {
    if (query.from !== undefined && query.to !== undefined && query.to < query.from) throw invalid('to must not be before from');
    const tz = (await this.site.get()).timeZone;
    const locale = auth.user.locale;
    const filter: ListEventsQuery = { ...query, kind: 'access' };
    await this.audit.record({ action: 'report.export', entityType: 'events', entityId: null, detail: `access history ${JSON.stringify({ personId: query.personId, doorId: query.doorId, zoneId: query.zoneId, from: query.from, to: query.to })}` });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="access-history.csv"`);
    const heading = HEADINGS[locale].map((h, i) => (i === 0 ? `${h} (${tz})` : h));
    let first = true;
    for await (const page of this.events.stream(auth, filter)) {
      const rows = page.map((e) => [formatSiteTime(e.occurredAt, tz), e.doorName ?? e.doorId, e.direction, e.zoneId, e.holder, e.credentialDisplay, e.granted ? 'yes' : 'no', e.reason, e.agentId]);
      // toCsv adds the byte-order mark and heading; later pages are rows only.
      const text = first ? toCsv(heading, rows) : toCsv([], rows).replace(/^\uFEFF\r\n/, '');
      first = false;
      if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
    }
    if (first) res.write(toCsv(heading, []));
    res.end();
  }
}
