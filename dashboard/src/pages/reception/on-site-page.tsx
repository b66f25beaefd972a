import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { OnSitePerson } from '@acs/shared/api/reception';
import { useDateFormatters } from '../../format/date-format';
import { onSiteList, visitKeys } from '../../api/visits';
import { useLiveQuery } from '../../realtime/live-query';

/** Everyone on site by the zone a door last let them into; printed, one page per zone for the muster points. */
export function OnSitePage() {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const list = useLiveQuery({ queryKey: visitKeys.onSite, snapshot: onSiteList, on: { 'visit:v1': 'refetch' } });
  const data = list.data;
  const byZone = new Map<string | null, OnSitePerson[]>();
  for (const p of data?.people ?? []) byZone.set(p.zoneId, [...(byZone.get(p.zoneId) ?? []), p]);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="page-on-site">
      <Card
        size="small"
        className="no-print"
        title={t('onSite.title')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} />
            <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="on-site-print">
              {t('onSite.print')}
            </Button>
          </Space>
        }
      >
        {data && (
          <Typography.Text strong data-testid="on-site-total">
            {t('onSite.total', { count: data.people.length, employees: data.employees, visitors: data.visitors })}
          </Typography.Text>
        )}
      </Card>
      {[...byZone.entries()].map(([zoneId, people]) => (
        <Card
          key={zoneId ?? 'none'}
          size="small"
          className="print-page"
          title={`${t('onSite.zone')}: ${people[0]?.zoneName ?? t('onSite.unknownZone')} (${people.length})`}
          data-testid="on-site-zone"
        >
          <Typography.Text type="secondary" className="print-only">
            {t('onSite.generatedAt', { time: formats.dateTime(data!.at) })}
          </Typography.Text>
          <Table
            rowKey={(p) => p.visitId ?? p.personId ?? p.name}
            size="small"
            pagination={false}
            dataSource={people}
            columns={[
              { key: 'check', title: t('onSite.musterCheck'), width: 70, render: () => '☐' },
              { key: 'name', title: t('onSite.name'), render: (_, p) => p.name },
              {
                key: 'kind',
                title: t('onSite.kind'),
                render: (_, p) => <Tag color={p.kind === 'visitor' ? 'orange' : 'blue'}>{t(`onSite.kinds.${p.kind}`)}</Tag>,
              },
              { key: 'host', title: t('onSite.host'), render: (_, p) => p.hostName ?? '' },
              { key: 'since', title: t('onSite.since'), render: (_, p) => formats.dateTime(p.since) },
            ]}
          />
        </Card>
      ))}
    </Space>
  );
}
