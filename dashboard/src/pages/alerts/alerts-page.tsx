import { useState } from 'react';
import { Button, Card, Segmented, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '@acs/shared/api/alerts';
import { alertKeys, alertsApi } from '../../api/alerts';
import { useSignedInUser } from '../../auth/auth-context';
import { useDateFormatters } from '../../format/date-format';
import { useLiveQuery } from '../../realtime/live-query';
import { AcknowledgeDialog, alertWhere } from './alert-banner';
import { ToIncidentDialog } from './to-incident-dialog';
import { useNavigate } from 'react-router';

const SEVERITY_COLOR = { info: 'blue', warning: 'orange', critical: 'red' } as const;

/** Alerts to handle (unacknowledged or still going on) and the recent ones, acknowledged with a note. */
export function AlertsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const [scope, setScope] = useState<'active' | 'recent'>('active');
  const [acknowledging, setAcknowledging] = useState<AlertView | null>(null);
  const [escalating, setEscalating] = useState<AlertView | null>(null);
  const navigate = useNavigate();
  const alerts = useLiveQuery<AlertView[]>({
    queryKey: alertKeys.list(scope),
    snapshot: (signal) => alertsApi.list(scope, signal),
    on: { 'alert:v1': 'refetch' },
  });
  const rows = alerts.data ?? [];
  const canAck = user.role === 'admin' || user.role === 'guard';

  const columns: ColumnsType<AlertView> = [
    { key: 'when', title: t('alerts.when'), width: 170, render: (_, a) => formats.dateTime(a.lastAt) },
    {
      key: 'type',
      title: t('alerts.type'),
      render: (_, a) => (
        <span>
          <Tag color={SEVERITY_COLOR[a.severity]}>{t(`alerts.severity.${a.severity}`)}</Tag>
          {t(`alerts.typeName.${a.type}`)}
          {a.active && <Typography.Text type="danger"> · {t('alerts.activeNow')}</Typography.Text>}
          {a.escalatedAt && (
            <Tag color="magenta" style={{ marginLeft: 6 }} data-testid="alert-escalated">
              {t('alerts.escalated')}
            </Tag>
          )}
        </span>
      ),
    },
    { key: 'where', title: t('alerts.where'), render: (_, a) => alertWhere(a) || '—' },
    { key: 'count', title: t('alerts.count'), width: 70, render: (_, a) => a.count },
    {
      key: 'status',
      title: t('alerts.status'),
      render: (_, a) =>
        a.status === 'open' ? (
          canAck ? (
            <Button size="small" danger onClick={() => setAcknowledging(a)} data-testid="alert-ack">
              {t('alerts.acknowledge')}
            </Button>
          ) : (
            <Tag color="red">{t('alerts.statusName.open')}</Tag>
          )
        ) : (
          <span>
            <Tag>{t(`alerts.statusName.${a.status}`)}</Tag>
            <Typography.Text type="secondary">
              {t('alerts.by', {
                name: a.acknowledgedBy ?? '—',
                time: a.acknowledgedAt ? formats.dateTime(a.acknowledgedAt) : '',
                note: a.note ?? '',
              })}
            </Typography.Text>
          </span>
        ),
    },
    {
      key: 'incident',
      title: t('alerts.incidentLink'),
      render: (_, a) =>
        a.incidentId ? (
          <Button size="small" type="link" onClick={() => navigate(`/incidents?incident=${encodeURIComponent(a.incidentId!)}`)}>
            {t('alerts.incidentLink')}
          </Button>
        ) : (
          canAck && (
            <Button size="small" onClick={() => setEscalating(a)} data-testid="alert-to-incident">
              {t('alerts.toIncident')}
            </Button>
          )
        ),
    },
  ];

  return (
    <Card
      size="small"
      className="list-card"
      title={t('alerts.title')}
      data-testid="page-alerts"
      extra={
        <Segmented
          value={scope}
          onChange={(v) => setScope(v as 'active' | 'recent')}
          options={[
            { value: 'active', label: t('alerts.scopeActive') },
            { value: 'recent', label: t('alerts.scopeRecent') },
          ]}
        />
      }
    >
      <Table<AlertView>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={rows}
        pagination={{ pageSize: 50 }}
        locale={{ emptyText: t('alerts.empty') }}
        onRow={(a) =>
          ({ 'data-testid': 'alert-row', 'data-alert-type': a.type, 'data-status': a.status }) as React.HTMLAttributes<HTMLElement>
        }
      />
      <AcknowledgeDialog alert={acknowledging} onClose={() => setAcknowledging(null)} onDone={() => undefined} />
      {escalating && (
        <ToIncidentDialog
          alert={escalating}
          onClose={() => setEscalating(null)}
          onDone={(incidentId) => {
            setEscalating(null);
            void navigate(`/incidents?incident=${encodeURIComponent(incidentId)}`);
          }}
        />
      )}
    </Card>
  );
}
