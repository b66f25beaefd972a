import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Locale } from '@acs/shared/api/users';
import { type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { invalid, notFound } from '../common/api-exception.js';
import { formatSiteTime, toCsv } from '../common/csv.js';
import { ListEventsQuery } from '../events/dto/list-events.query.js';
import { EventsService } from '../events/events.service.js';
import { SiteService } from '../site/site.service.js';
import { ReportsService } from './reports.service.js';
import { checkPeriodOrder, PeriodQuery, resolvePeriod } from '../common/period.query.js';

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
 * Reports (docs/product-rules.md#reports-and-exports). The access history (by person, zone, door and period) streams as
 * CSV a page at a time, so a million rows never sit in memory and the download shows
 * progress in the browser instead of timing out.
 */
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly events: EventsService,
    private readonly site: SiteService,
    private readonly audit: AuditService,
    private readonly reports: ReportsService,
  ) {}

  /** Alerts of a period with their response times (raised → acknowledged). */
  @Roles(['admin', 'guard', 'auditor'])
  @Get('alerts.csv')
  async alerts(@CurrentAuth() auth: AuthContext, @Query() query: PeriodQuery, @Res() res: StreamResponse): Promise<void> {
    const { from, to, tz } = await this.period(query);
    const { rows, refs } = await this.reports.alerts(from, to);
    const L = auth.user.locale === 'zh-CN';
    const heading = L
      ? [
          `发生时间 (${tz})`,
          '类型',
          '严重程度',
          '门',
          '人员',
          '次数',
          `确认时间 (${tz})`,
          '确认人',
          '响应用时（秒）',
          '备注',
          '已升级',
          '事件',
        ]
      : [
          `Raised (${tz})`,
          'Type',
          'Severity',
          'Door',
          'Person',
          'Count',
          `Acknowledged (${tz})`,
          'By',
          'Response (s)',
          'Note',
          'Escalated',
          'Incident',
        ];
    await this.send(
      res,
      'alerts.csv',
      toCsv(
        heading,
        rows.map((r) => [
          formatSiteTime(r.firstAt, tz),
          r.type,
          r.severity,
          r.doorId,
          r.holder,
          r.count,
          formatSiteTime(r.acknowledgedAt, tz),
          r.acknowledgedByUserId ? (refs.get(r.acknowledgedByUserId)?.name ?? '') : '',
          r.acknowledgedAt ? Math.round((r.acknowledgedAt - r.firstAt) / 1000) : '',
          r.note,
          r.escalatedAt ? 'yes' : '',
          r.incidentId,
        ]),
      ),
      `alerts ${rows.length}`,
    );
  }

  /** Incidents of a period with response and closing times. */
  @Roles(['admin', 'guard', 'auditor'])
  @Get('incidents.csv')
  async incidents(@CurrentAuth() auth: AuthContext, @Query() query: PeriodQuery, @Res() res: StreamResponse): Promise<void> {
    const { from, to, tz } = await this.period(query);
    const { rows, refs } = await this.reports.incidents(from, to);
    const name = (id: string | null) => (id ? (refs.get(id)?.name ?? '') : '');
    const L = auth.user.locale === 'zh-CN';
    const heading = L
      ? [
          '编号',
          '等级',
          '标题',
          '原因',
          '区域',
          '状态',
          `创建 (${tz})`,
          '首次响应（分钟）',
          `关闭 (${tz})`,
          '处理用时（小时）',
          '负责人',
          '关闭人',
          '结论',
          '纠正措施',
        ]
      : [
          'Number',
          'Level',
          'Title',
          'Cause',
          'Zone',
          'Status',
          `Opened (${tz})`,
          'First response (min)',
          `Closed (${tz})`,
          'To close (h)',
          'Owner',
          'Closed by',
          'Outcome',
          'Corrective actions',
        ];
    await this.send(
      res,
      'incidents.csv',
      toCsv(
        heading,
        rows.map((r) => [
          r.number,
          r.level,
          r.title,
          r.cause,
          r.zoneId,
          r.status,
          formatSiteTime(r.createdAt, tz),
          r.respondedAt ? ((r.respondedAt - r.createdAt) / 60_000).toFixed(1) : '',
          formatSiteTime(r.closedAt, tz),
          r.closedAt ? ((r.closedAt - r.createdAt) / 3_600_000).toFixed(1) : '',
          name(r.ownerUserId),
          name(r.closedByUserId),
          r.outcome,
          r.correctiveActions,
        ]),
      ),
      `incidents ${rows.length}`,
    );
  }

  /** The equipment and media log of a period: every movement with the item as it was. */
  @Roles(['admin', 'guard', 'auditor'])
  @Get('movements.csv')
  async movements(@CurrentAuth() auth: AuthContext, @Query() query: PeriodQuery, @Res() res: StreamResponse): Promise<void> {
    const { from, to, tz } = await this.period(query);
    const { rows, refs } = await this.reports.movements(from, to);
    const L = auth.user.locale === 'zh-CN';
    const heading = L
      ? ['序号', `时间 (${tz})`, '事件', '资产标签', '描述（当时）', '决定', '原因', '经办人']
      : ['Seq', `Time (${tz})`, 'Event', 'Asset tag', 'Description (then)', 'Decision', 'Reason', 'By'];
    await this.send(
      res,
      'equipment-log.csv',
      toCsv(
        heading,
        rows.map((r) => {
          const snapshot = r.itemSnapshot ? (JSON.parse(r.itemSnapshot) as { description?: string }) : null;
          return [
            r.seq,
            formatSiteTime(r.at, tz),
            r.kind,
            r.assetTag,
            snapshot?.description ?? '',
            r.decision,
            r.reason,
            r.actorUserId ? (refs.get(r.actorUserId)?.name ?? '') : '',
          ];
        }),
      ),
      `equipment movements ${rows.length}`,
    );
  }

  /**
   * Who may enter a zone now: active grants with the holder, schedule and expiry
   * (docs/product-rules.md#reports-and-exports, "current access per zone").
   */
  @Roles(['admin', 'auditor'])
  @Get('zone-access.csv')
  async zoneAccess(
    @CurrentAuth() auth: AuthContext,
    @Query('zoneId') zoneId: string | undefined,
    @Res() res: StreamResponse,
  ): Promise<void> {
    if (!zoneId || typeof zoneId !== 'string' || zoneId.length > 64) throw invalid('zoneId is required');
    const access = await this.reports.zoneAccess(zoneId);
    if (!access) throw notFound(`zone ${zoneId}`);
    const { zone, grants, people } = access;
    const tz = (await this.site.get()).timeZone;
    const L = auth.user.locale === 'zh-CN';
    const heading = L
      ? ['区域', '人员', '类别', '人员状态', '时间表', `有效期至 (${tz})`, `授权时间 (${tz})`]
      : ['Zone', 'Person', 'Kind', 'Person status', 'Schedule', `Valid until (${tz})`, `Granted (${tz})`];
    await this.send(
      res,
      `zone-access-${zoneId}.csv`,
      toCsv(
        heading,
        grants.map((g) => {
          const p = people.get(g.personId);
          return [
            zone.name,
            p?.name ?? g.personId,
            p?.kind,
            p?.status,
            g.scheduleId ?? (L ? '全天' : 'at any time'),
            formatSiteTime(g.validUntil, tz),
            formatSiteTime(g.createdAt, tz),
          ];
        }),
      ),
      `zone ${zoneId}: ${grants.length} grants`,
    );
  }

  private async period(query: PeriodQuery): Promise<{ from: number; to: number; tz: string }> {
    return { ...resolvePeriod(query, 90, Date.now()), tz: (await this.site.get()).timeZone };
  }

  private async send(res: StreamResponse, filename: string, csv: string, what: string): Promise<void> {
    await this.audit.record({ action: 'report.export', entityType: 'report', entityId: null, detail: `${filename}: ${what}` });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.write(csv);
    res.end();
  }

  @Roles(['admin', 'guard', 'auditor'])
  @Get('access-history.csv')
  async accessHistory(@CurrentAuth() auth: AuthContext, @Query() query: ListEventsQuery, @Res() res: StreamResponse): Promise<void> {
    checkPeriodOrder(query);
    const tz = (await this.site.get()).timeZone;
    const locale = auth.user.locale;
    const filter: ListEventsQuery = { ...query, kind: 'access' };
    await this.audit.record({
      action: 'report.export',
      entityType: 'events',
      entityId: null,
      detail: `access history ${JSON.stringify({ personId: query.personId, doorId: query.doorId, zoneId: query.zoneId, from: query.from, to: query.to })}`,
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="access-history.csv"`);
    const heading = HEADINGS[locale].map((h, i) => (i === 0 ? `${h} (${tz})` : h));
    let first = true;
    for await (const page of this.events.stream(auth, filter)) {
      const rows = page.map((e) => [
        formatSiteTime(e.occurredAt, tz),
        e.doorName ?? e.doorId,
        e.direction,
        e.zoneId,
        e.holder,
        e.credentialDisplay,
        e.granted ? 'yes' : 'no',
        e.reason,
        e.agentId,
      ]);
      // toCsv adds the byte-order mark and heading; later pages are rows only.
      const text = first ? toCsv(heading, rows) : toCsv([], rows).replace(/^\uFEFF\r\n/, '');
      first = false;
      if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
    }
    if (first) res.write(toCsv(heading, []));
    res.end();
  }
}
