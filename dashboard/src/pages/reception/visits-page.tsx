import { useMemo } from 'react';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { VisitView } from '@acs/shared/api/reception';
import { useMutations } from '../../api/query';
import { downloadCsv } from '../../api/reports';
import { listVisits, VISIT_CHANGES, visitKeys, visitsApi } from '../../api/visits';
import { useSignedInUser } from '../../auth/auth-context';
import { useAction } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { useLiveQuery } from '../../realtime/live-query';
import { useSocketEvent } from '../../realtime/realtime-context';
import { VisitStateTag } from './reception-page';
import { useQuery } from '@tanstack/react-query';
import { zoneQueries } from '../../api/zones';

/**
 * Hosts invite visitors and approve walk-ins here (told live); staff read the history;
 * admins and auditors export the visitor log.
 */
export function VisitsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const run = useAction();
  const { notification } = App.useApp();
  const formats = useDateFormatters();
  const isEmployee = user.role === 'employee';
  const zones = useQuery(zoneQueries.list);
  const scope = isEmployee ? 'mine' : 'history';
  const visits = useLiveQuery<VisitView[]>({
    queryKey: visitKeys.list(scope),
    snapshot: (signal) => listVisits(scope, signal),
    on: {
      'visit:v1': (list = [], visit) =>
        list.some((v) => v.id === visit.id) ? list.map((v) => (v.id === visit.id ? visit : v)) : [visit, ...list],
    },
  });
  const rows = visits.data ?? [];
  const changes = useMutations(visitsApi, VISIT_CHANGES);
  const [form] = Form.useForm();
  useSocketEvent('visit:v1', (visit) => {
    if (isEmployee && visit.status === 'awaiting_host' && visit.hostPersonId === user.personId) {
      notification.info({ message: t('visits.newWalkIn', { name: visit.visitorName }), key: visit.id });
    }
  });
  const zoneOptions = useMemo(() => (zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (L${z.level})` })), [zones.data]);
  const decide = (visit: VisitView, decision: 'approved' | 'denied') =>
    run(() => changes.hostDecision(visit.id, decision), t(decision === 'approved' ? 'visits.approvedMsg' : 'visits.deniedMsg'));

  const invite = async (values: {
    visitorName: string;
    visitorCompany?: string;
    purpose: string;
    zoneIds: string[];
    window: [{ valueOf(): number }, { valueOf(): number }];
  }) => {
    const created = await run(
      () =>
        changes.invite({
          visitorName: values.visitorName,
          visitorCompany: values.visitorCompany || null,
          purpose: values.purpose,
          zoneIds: values.zoneIds,
          windowStart: values.window[0].valueOf(),
          windowEnd: values.window[1].valueOf(),
        }),
      t('visits.invited'),
    );
    if (created) form.resetFields();
  };

  const columns: ColumnsType<VisitView> = [
    {
      key: 'visitor',
      title: t('reception.visitorName'),
      render: (_, v) => (
        <span data-testid="visit-row" data-visit-name={v.visitorName}>
          {v.visitorName}
          {v.visitorCompany ? ` · ${v.visitorCompany}` : ''}
        </span>
      ),
    },
    { key: 'host', title: t('reception.host'), render: (_, v) => v.hostName },
    {
      key: 'window',
      title: t('reception.window'),
      render: (_, v) => `${formats.dateTime(v.windowStart)} – ${formats.dateTime(v.windowEnd)}`,
    },
    { key: 'state', title: t('equipment.status'), render: (_, v) => <VisitStateTag visit={v} /> },
    {
      key: 'actions',
      title: '',
      render: (_, v) => (
        <Space>
          {v.status === 'awaiting_host' && (user.personId === v.hostPersonId || user.role === 'admin') && (
            <>
              <Button type="primary" onClick={() => decide(v, 'approved')} data-testid="host-approve">
                {t('visits.approve')}
              </Button>
              <Button danger onClick={() => decide(v, 'denied')} data-testid="host-deny">
                {t('visits.deny')}
              </Button>
            </>
          )}
          {v.invitationCode && (
            <Typography.Text code copyable title={t('reception.invitation')}>
              {v.invitationCode}
            </Typography.Text>
          )}
          {(v.status === 'expected' || v.status === 'awaiting_host') && user.role !== 'auditor' && (
            <Button size="small" onClick={() => run(() => changes.cancel(v.id))}>
              {t('reception.cancel')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="page-visits">
      {user.role !== 'auditor' && (
        <Card size="small" title={t('visits.invite')}>
          <Form form={form} layout="inline" onFinish={invite}>
            <Form.Item name="visitorName" rules={[{ required: true, whitespace: true }]}>
              <Input placeholder={t('reception.visitorName')} />
            </Form.Item>
            <Form.Item name="visitorCompany">
              <Input placeholder={t('reception.company')} />
            </Form.Item>
            <Form.Item name="purpose" rules={[{ required: true, whitespace: true }]}>
              <Input placeholder={t('reception.purpose')} />
            </Form.Item>
            <Form.Item name="zoneIds" rules={[{ required: true, type: 'array', min: 1 }]}>
              <Select mode="multiple" style={{ minWidth: 200 }} placeholder={t('reception.zones')} options={zoneOptions} />
            </Form.Item>
            <Form.Item name="window" rules={[{ required: true }]}>
              <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('visits.sendInvitation')}
            </Button>
          </Form>
        </Card>
      )}
      <Card
        size="small"
        className="list-card"
        title={isEmployee ? t('visits.mine') : t('visits.history')}
        extra={
          (user.role === 'admin' || user.role === 'auditor') && (
            <Button
              icon={<DownloadOutlined />}
              onClick={() =>
                run(() => downloadCsv(`/api/visits/export.csv?from=${Date.now() - 90 * 86_400_000}&to=${Date.now()}`, 'visitor-log.csv'))
              }
              data-testid="visits-export"
            >
              {t('visits.export')}
            </Button>
          )
        }
      >
        <Table rowKey="id" size="small" columns={columns} dataSource={rows} pagination={{ pageSize: 50 }} />
      </Card>
    </Space>
  );
}
