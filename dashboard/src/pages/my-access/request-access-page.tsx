import { useMemo } from 'react';
import { Alert, Button, Card, Form, Input, Select, Table, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AccessRequestView } from '@acs/shared/api/access-requests';
import { permissionKeys, permissionQueries, permissionsApi } from '../../api/permissions';
import { useMutations } from '../../api/query';
import { useSignedInUser } from '../../auth/auth-context';
import { LevelTag, useAction, useLevelLabel, useSite } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { endOfDay } from '../cards/card-forms';
import { RequestStatusTag } from '../requests/requests-page';
import { useQuery } from '@tanstack/react-query';
import { scheduleQueries } from '../../api/schedules';
import { zoneQueries } from '../../api/zones';

/** An employee asks for a zone; the zone's owner decides. Their own requests are listed below. */
export function RequestAccessPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const zones = useQuery(zoneQueries.list);
  const schedules = useQuery(scheduleQueries.list);
  const mine = useQuery(permissionQueries.accessRequests({ scope: 'mine' }));
  const changes = useMutations(permissionsApi, [permissionKeys.accessRequests, permissionKeys.grants]);
  const site = useSite();
  const levelLabel = useLevelLabel(site.data);
  const formats = useDateFormatters();
  const run = useAction();
  const [form] = Form.useForm<{ zoneId: string; scheduleId?: string; until?: string; reason: string }>();
  const zoneId = Form.useWatch('zoneId', form);
  const chosen = useMemo(() => (zones.data ?? []).find((z) => z.id === zoneId), [zones.data, zoneId]);

  const submit = async () => {
    const v = await form.validateFields();
    const done = await run(
      () =>
        changes.createAccessRequest({
          zoneId: v.zoneId,
          scheduleId: v.scheduleId ?? null,
          until: endOfDay(v.until),
          reason: v.reason.trim(),
        }),
      t('requestAccess.submitted'),
    );
    if (done) form.resetFields();
  };
  const cancel = async (r: AccessRequestView) => {
    await run(() => changes.cancelRequest(r.id), t('admin.done'));
  };

  return (
    <div className="page-stack" data-testid="page-request-access">
      <Card size="small" className="list-card" title={t('requestAccess.title')}>
        {!user.personId && <Alert type="warning" showIcon title={t('myAccess.noPerson')} />}
        <Form form={form} layout="vertical" disabled={!user.personId} className="narrow-form" data-testid="request-access-form">
          <Form.Item name="zoneId" label={t('requestAccess.zone')} rules={[{ required: true, message: t('admin.required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={(zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (${levelLabel(z.level)})` }))}
              data-testid="request-zone"
            />
          </Form.Item>
          {chosen && (
            <Typography.Paragraph type="secondary">
              {chosen.ownerPersonId ? t('requestAccess.owner') : t('requestAccess.ownerAdmin')}
            </Typography.Paragraph>
          )}
          <Form.Item name="scheduleId" label={t('requestAccess.schedule')}>
            <Select
              allowClear
              placeholder={t('admin.anyTime')}
              options={(schedules.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              data-testid="request-schedule"
            />
          </Form.Item>
          <Form.Item name="until" label={t('requestAccess.until')}>
            <Input type="date" data-testid="request-until" />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('requestAccess.reason')}
            rules={[{ required: true, whitespace: true, min: 3, message: t('requestAccess.reasonPlaceholder') }]}
          >
            <Input.TextArea maxLength={500} placeholder={t('requestAccess.reasonPlaceholder')} data-testid="request-reason" />
          </Form.Item>
          <Button type="primary" icon={<SendOutlined />} onClick={submit} data-testid="request-submit">
            {t('requestAccess.submit')}
          </Button>
        </Form>
      </Card>
      <Card size="small" className="list-card" title={t('requestAdmin.mine')}>
        <Table<AccessRequestView>
          size="small"
          rowKey="id"
          dataSource={mine.data ?? []}
          loading={mine.isFetching && !mine.data}
          pagination={false}
          locale={{ emptyText: t('requestAdmin.empty') }}
          onRow={(r) =>
            ({ 'data-testid': 'my-request-row', 'data-id': r.id, 'data-status': r.status }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              key: 'zone',
              title: t('requestAdmin.zone'),
              render: (_, r) => (
                <span>
                  {r.zoneName} <LevelTag level={r.zoneLevel} label={levelLabel} />
                </span>
              ),
            },
            { key: 'requestedAt', title: t('requestAdmin.requestedAt'), render: (_, r) => formats.dateTime(r.requestedAt) },
            { key: 'reason', title: t('requestAdmin.reason'), dataIndex: 'reason' },
            { key: 'status', title: t('requestAdmin.status'), render: (_, r) => <RequestStatusTag status={r.status} /> },
            {
              key: 'decision',
              title: t('requestAdmin.decision'),
              render: (_, r) => (r.decidedBy ? `${r.decidedBy.name}${r.decisionReason ? `: ${r.decisionReason}` : ''}` : ''),
            },
            {
              key: 'actions',
              render: (_, r) =>
                r.status === 'pending' && (
                  <Button size="small" onClick={() => cancel(r)}>
                    {t('requestAdmin.cancel')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
