import { useMemo, useState } from 'react';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { VisitView } from '@acs/shared/api/reception';
import type { EventView } from '@acs/shared/api/events';
import type { GrantView } from '@acs/shared/api/grants';
import { type EventQuery, eventQueries } from '../../api/events';
import { permissionQueries } from '../../api/permissions';
import { downloadCsv } from '../../api/reports';
import { visitQueries } from '../../api/visits';
import { useSignedInUser } from '../../auth/auth-context';
import { useAction, useActionError } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { snapshotDescription } from '../../format/labels';
import { VisitStateTag } from '../reception/reception-page';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { doorQueries } from '../../api/doors';
import { equipmentQueries } from '../../api/equipment';
import { peopleQueries } from '../../api/people';
import { zoneQueries } from '../../api/zones';

const DAY = 86_400_000;
type Range = [{ valueOf(): number }, { valueOf(): number }] | null;

function search(params: Record<string, string | number | null | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  return s.toString();
}

/**
 * Reports (docs/product-rules.md#reports-and-exports): each on screen, as a CSV (long ones streamed by the server) and
 * printable (the print stylesheet drops the navigation).
 */
export function ReportsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const items = [
    { key: 'history', label: t('reports.tabs.history'), children: <AccessHistoryTab /> },
    { key: 'visitors', label: t('reports.tabs.visitors'), children: <VisitorLogTab /> },
    ...(user.role !== 'guard' ? [{ key: 'zone', label: t('reports.tabs.zoneAccess'), children: <ZoneAccessTab /> }] : []),
    { key: 'alerts', label: t('reports.tabs.alerts'), children: <PeriodCsvTab kind="alerts" /> },
    { key: 'equipment', label: t('reports.tabs.equipment'), children: <EquipmentLogTab /> },
  ];
  return (
    <Card
      size="small"
      title={t('reports.title')}
      data-testid="page-reports"
      extra={
        <Button className="no-print" icon={<PrinterOutlined />} onClick={() => window.print()}>
          {t('reports.print')}
        </Button>
      }
    >
      <Tabs items={items} destroyOnHidden />
    </Card>
  );
}

function AccessHistoryTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const run = useAction();
  const formats = useDateFormatters();
  const people = useQuery(peopleQueries.list);
  const zones = useQuery(zoneQueries.list);
  const doors = useQuery(doorQueries.list);
  const [filters, setFilters] = useState<EventQuery>({});
  const [rows, setRows] = useState<EventView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const queryClient = useQueryClient();
  // A search the user starts: through the cache, its failure shown like a failed action.
  const load = async (query: EventQuery, before?: string) => {
    setLoading(true);
    const page = await run(() =>
      queryClient.fetchQuery(eventQueries.page({ ...query, kind: 'access', limit: 500, ...(before ? { before } : {}) })),
    );
    setLoading(false);
    if (!page) return;
    setRows((r) => (before ? [...r, ...page.items] : page.items));
    setNext(page.next);
  };
  const apply = (values: { personId?: string; zoneId?: string; doorId?: string; period?: Range }) => {
    const query: EventQuery = {
      personId: values.personId,
      zoneId: values.zoneId,
      doorId: values.doorId,
      from: values.period?.[0].valueOf(),
      to: values.period ? values.period[1].valueOf() + DAY : undefined,
    };
    setFilters(query);
    void load(query);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form layout="inline" onFinish={apply} className="no-print">
        <Form.Item name="personId">
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 200 }}
            placeholder={t('reports.person')}
            options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
            data-testid="report-person"
          />
        </Form.Item>
        <Form.Item name="zoneId">
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('reports.zone')}
            options={(zones.data ?? []).map((z) => ({ value: z.id, label: z.name }))}
          />
        </Form.Item>
        <Form.Item name="doorId">
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('reports.door')}
            options={(doors.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        <Form.Item name="period">
          <DatePicker.RangePicker />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading} data-testid="report-search">
          {t('reports.search')}
        </Button>
        <Button
          icon={<DownloadOutlined />}
          onClick={async () => {
            // A long history streams: the received size is shown until the file is saved.
            const key = 'access-history-download';
            await run(() =>
              downloadCsv(`/api/reports/access-history.csv?${search({ ...filters })}`, 'access-history.csv', (bytes) => {
                void message.loading({ key, content: t('reports.downloading', { size: (bytes / 1024 / 1024).toFixed(1) }), duration: 0 });
              }),
            );
            message.destroy(key);
          }}
          data-testid="report-csv"
        >
          {t('reports.csv')}
        </Button>
      </Form>
      <Table<EventView>
        size="small"
        rowKey="eventId"
        dataSource={rows}
        pagination={false}
        data-testid="report-history"
        columns={[
          { key: 'at', title: t('reports.time'), render: (_, e) => formats.dateTime(e.occurredAt) },
          { key: 'door', title: t('reports.door'), render: (_, e) => e.doorName ?? e.doorId },
          { key: 'zone', title: t('reports.zone'), render: (_, e) => e.zoneId },
          { key: 'person', title: t('reports.person'), render: (_, e) => e.holder },
          { key: 'card', title: t('reports.card'), render: (_, e) => e.credentialDisplay },
          { key: 'result', title: t('reports.result'), render: (_, e) => <Tag color={e.granted ? 'green' : 'red'}>{e.reason}</Tag> },
        ]}
      />
      {next && (
        <Button className="no-print" onClick={() => void load(filters, next)} loading={loading}>
          {t('reports.more')}
        </Button>
      )}
    </Space>
  );
}

/** The visitor log (docs/product-rules.md#reports-and-exports): on screen for guards too; the CSV for admins and auditors. */
function VisitorLogTab() {
  const { t } = useTranslation();
  const run = useAction();
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const [period, setPeriod] = useState<{ from: number; to: number }>(() => ({ from: Date.now() - 30 * DAY, to: Date.now() }));
  const [q, setQ] = useState<string | undefined>();
  // On opening the tab, the last 30 days; then what the user asks for. A failed search keeps the last rows.
  const log = useQuery({ ...visitQueries.log(period.from, period.to, q), placeholderData: (previous) => previous });
  const rows: VisitView[] | null = log.data ?? null;
  useActionError(log.error);
  const load = (values: { period?: Range; q?: string }) => {
    const to = values.period ? values.period[1].valueOf() + DAY : Date.now();
    setPeriod({ from: values.period ? values.period[0].valueOf() : to - 30 * DAY, to });
    setQ(values.q?.trim() || undefined);
  };
  const time = (ms: number | null) => (ms ? formats.dateTime(ms) : '');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph className="no-print">{t('reports.visitorsHelp')}</Typography.Paragraph>
      <Form layout="inline" onFinish={load} className="no-print">
        <Form.Item name="period">
          <DatePicker.RangePicker />
        </Form.Item>
        <Form.Item name="q">
          <Input allowClear placeholder={t('reports.visitorSearch')} style={{ width: 200 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="visitor-log-search">
          {t('reports.search')}
        </Button>
        {(user.role === 'admin' || user.role === 'auditor') && (
          <Button
            icon={<DownloadOutlined />}
            onClick={() => run(() => downloadCsv(`/api/visits/export.csv?${search(period)}`, 'visitor-log.csv'))}
            data-testid="visitor-log-csv"
          >
            {t('reports.csv')}
          </Button>
        )}
      </Form>
      {rows && <Typography.Text strong>{t('reports.visitorsCount', { count: rows.length })}</Typography.Text>}
      <Table<VisitView>
        size="small"
        rowKey="id"
        dataSource={rows ?? []}
        pagination={false}
        data-testid="report-visitors"
        columns={[
          {
            key: 'visitor',
            title: t('reception.visitorName'),
            render: (_, v) => `${v.visitorName}${v.visitorCompany ? ` · ${v.visitorCompany}` : ''}`,
          },
          { key: 'host', title: t('reception.host'), render: (_, v) => v.hostName },
          { key: 'purpose', title: t('reception.purpose'), render: (_, v) => v.purpose },
          { key: 'card', title: t('reports.card'), render: (_, v) => v.credentialDisplay ?? '' },
          { key: 'in', title: t('reports.checkedIn'), render: (_, v) => time(v.checkedInAt) },
          { key: 'out', title: t('reports.signedOut'), render: (_, v) => time(v.signedOutAt) },
          {
            key: 'how',
            title: t('reports.signout'),
            render: (_, v) =>
              v.signoutKind ? (
                <span title={v.signoutReason ?? undefined}>{t(`reports.signoutKinds.${v.signoutKind}`)}</span>
              ) : (
                <VisitStateTag visit={v} />
              ),
          },
        ]}
      />
    </Space>
  );
}

function ZoneAccessTab() {
  const { t } = useTranslation();
  const run = useAction();
  const formats = useDateFormatters();
  const zones = useQuery(zoneQueries.list);
  const people = useQuery(peopleQueries.list);
  const [zoneId, setZoneId] = useState<string>();
  const zoneGrants = useQuery({ ...permissionQueries.grants({ zoneId }), enabled: zoneId !== undefined });
  const grants: GrantView[] = zoneGrants.data ?? [];
  const names = useMemo(() => new Map((people.data ?? []).map((p) => [p.id, p])), [people.data]);
  const choose = (id: string) => setZoneId(id);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space className="no-print">
        <Select
          style={{ width: 240 }}
          {...(zoneId === undefined ? {} : { value: zoneId })}
          placeholder={t('reports.zone')}
          onChange={choose}
          options={(zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (L${z.level})` }))}
        />
        <Button
          icon={<DownloadOutlined />}
          disabled={!zoneId}
          onClick={() => run(() => downloadCsv(`/api/reports/zone-access.csv?${search({ zoneId })}`, `zone-access-${zoneId}.csv`))}
        >
          {t('reports.csv')}
        </Button>
      </Space>
      {zoneId && <Typography.Text strong>{t('reports.zoneAccessCount', { count: grants.length })}</Typography.Text>}
      <Table<GrantView>
        size="small"
        rowKey="id"
        dataSource={grants}
        pagination={false}
        columns={[
          { key: 'person', title: t('reports.person'), render: (_, g) => names.get(g.personId)?.name ?? g.personId },
          { key: 'kind', title: t('reports.kind'), render: (_, g) => names.get(g.personId)?.kind ?? '' },
          { key: 'schedule', title: t('reports.schedule'), render: (_, g) => g.scheduleId ?? t('reports.anyTime') },
          {
            key: 'until',
            title: t('reports.validUntil'),
            render: (_, g) => (g.validUntil ? formats.dateTime(g.validUntil) : t('reports.noEnd')),
          },
        ]}
      />
    </Space>
  );
}

function PeriodCsvTab({ kind }: { kind: 'alerts' }) {
  const { t } = useTranslation();
  const run = useAction();
  const [range, setRange] = useState<Range>(null);
  const period = () => {
    const to = range ? range[1].valueOf() + DAY : Date.now();
    return search({ from: range ? range[0].valueOf() : to - 90 * DAY, to });
  };
  return (
    <Space direction="vertical">
      <Typography.Paragraph>{t('reports.alertsHelp')}</Typography.Paragraph>
      <Space>
        <DatePicker.RangePicker onChange={(v) => setRange(v as Range)} />
        <Button
          icon={<DownloadOutlined />}
          onClick={() => run(() => downloadCsv(`/api/reports/alerts.csv?${period()}`, 'alerts.csv'))}
          data-testid={`report-${kind}-csv`}
        >
          {t('reports.alertsCsv')}
        </Button>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => run(() => downloadCsv(`/api/reports/incidents.csv?${period()}`, 'incidents.csv'))}
        >
          {t('reports.incidentsCsv')}
        </Button>
      </Space>
    </Space>
  );
}

function EquipmentLogTab() {
  const { t } = useTranslation();
  const run = useAction();
  const formats = useDateFormatters();
  const list = useQuery(equipmentQueries.movements);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button
        className="no-print"
        icon={<DownloadOutlined />}
        onClick={() =>
          run(() =>
            downloadCsv(`/api/reports/movements.csv?${search({ from: Date.now() - 90 * DAY, to: Date.now() })}`, 'equipment-log.csv'),
          )
        }
      >
        {t('reports.csv')}
      </Button>
      <Table
        size="small"
        rowKey="id"
        dataSource={list.data ?? []}
        pagination={false}
        columns={[
          { key: 'at', title: t('reports.time'), render: (_, m) => formats.dateTime(m.at) },
          {
            key: 'kind',
            title: t('reports.event'),
            render: (_, m) => <Tag {...(m.decision === 'stop' ? { color: 'red' } : {})}>{m.kind}</Tag>,
          },
          { key: 'tag', title: t('equipment.assetTag'), render: (_, m) => m.assetTag ?? '' },
          { key: 'item', title: t('equipment.description'), render: (_, m) => snapshotDescription(m) },
          { key: 'reason', title: t('equipment.reason'), render: (_, m) => m.reason ?? '' },
          { key: 'actor', title: t('equipment.actor'), render: (_, m) => m.actor ?? '' },
        ]}
      />
    </Space>
  );
}
