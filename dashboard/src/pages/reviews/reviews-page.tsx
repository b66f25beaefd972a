import { useMemo, useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { CheckOutlined, DeleteOutlined, DownloadOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReviewCampaignView, ReviewItemView } from '@acs/shared/api/reviews';
import { useSignedInUser } from '../../auth/auth-context';
import { useAction, useLevelLabel, useSite } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { useQuery } from '@tanstack/react-query';
import { permissionKeys, permissionQueries, permissionsApi } from '../../api/permissions';
import { useMutations } from '../../api/query';
import { downloadCsv } from '../../api/reports';
import { scheduleQueries } from '../../api/schedules';
import { zoneQueries } from '../../api/zones';

/**
 * Access reviews: admins start campaigns (every L2/L3 zone by default); each zone owner
 * keeps or removes every grant to their zones; results export as CSV.
 */
export function ReviewsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const isAdmin = user.role === 'admin';
  const canDecide = isAdmin || user.role === 'employee';
  const canExport = isAdmin || user.role === 'auditor';
  const campaigns = useQuery(permissionQueries.reviews);
  const zones = useQuery(zoneQueries.list);
  const schedules = useQuery(scheduleQueries.list);
  const site = useSite();
  const levelLabel = useLevelLabel(site.data);
  const formats = useDateFormatters();
  const run = useAction();
  const [selected, setSelected] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [form] = Form.useForm<{ name?: string; zoneIds?: string[] }>();
  const scheduleNames = useMemo(() => new Map((schedules.data ?? []).map((s) => [s.id, s.name])), [schedules.data]);

  // A removal decision revokes the grant.
  const changes = useMutations(permissionsApi, [permissionKeys.reviews, permissionKeys.grants]);
  const selectedDetail = useQuery({ ...permissionQueries.review(selected ?? ''), enabled: selected !== null });
  const detail = selectedDetail.isError ? null : (selectedDetail.data ?? null);
  // Until one is chosen, the first campaign of the list is shown (set while rendering, not in an effect).
  if (!selected && campaigns.data?.length) setSelected(campaigns.data[0]!.id);

  const start = async () => {
    const v = await form.validateFields();
    const done = await run(
      () =>
        changes.startReview({ ...(v.name?.trim() ? { name: v.name.trim() } : {}), ...(v.zoneIds?.length ? { zoneIds: v.zoneIds } : {}) }),
      t('admin.done'),
    );
    if (done) {
      setStarting(false);
      form.resetFields();
      setSelected(done.campaign.id);
    }
  };
  const decide = async (item: ReviewItemView, decision: 'keep' | 'remove') => {
    await run(() => changes.decideReview(item.campaignId, item.id, decision), t('admin.done'));
  };
  const close = async (c: ReviewCampaignView) => {
    await run(() => changes.closeReview(c.id), t('admin.done'));
  };
  const exportCsv = (c: ReviewCampaignView) =>
    run(() => downloadCsv(`/api/reviews/${encodeURIComponent(c.id)}/export.csv`, `access-review-${c.startedAt}.csv`));

  const progressOf = (c: ReviewCampaignView) => (c.progress.total ? Math.round((c.progress.decided / c.progress.total) * 100) : 100);

  return (
    <div className="page-stack" data-testid="page-reviews">
      <Card
        size="small"
        className="list-card"
        title={user.role === 'employee' ? t('reviewAdmin.toDo') : t('reviewAdmin.title')}
        extra={
          isAdmin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setStarting(true)} data-testid="review-start">
              {t('reviewAdmin.start')}
            </Button>
          )
        }
      >
        <Alert type="info" showIcon title={t('reviewAdmin.ownRule')} className="page-note" />
        <Table<ReviewCampaignView>
          size="small"
          rowKey="id"
          dataSource={campaigns.data ?? []}
          loading={campaigns.isFetching && !campaigns.data}
          pagination={false}
          locale={{ emptyText: t('reviewAdmin.empty') }}
          rowClassName={(c) => (c.id === selected ? 'row-selected' : '')}
          onRow={(c) =>
            ({
              onClick: () => setSelected(c.id),
              'data-testid': 'review-row',
              'data-id': c.id,
              'data-status': c.status,
            }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            { key: 'name', title: t('reviewAdmin.campaign'), dataIndex: 'name' },
            {
              key: 'status',
              title: t('reviewAdmin.status'),
              width: 100,
              render: (_, c) => <Tag color={c.status === 'open' ? 'processing' : 'default'}>{t(`reviewStatus.${c.status}`)}</Tag>,
            },
            { key: 'startedAt', title: t('reviewAdmin.startedAt'), render: (_, c) => formats.dateTime(c.startedAt) },
            { key: 'startedBy', title: t('reviewAdmin.startedBy'), render: (_, c) => c.startedBy?.name ?? '' },
            {
              key: 'progress',
              title: t('reviewAdmin.progress'),
              width: 280,
              render: (_, c) => (
                <div>
                  <Progress percent={progressOf(c)} size="small" />
                  <Typography.Text type="secondary" className="small-note">
                    {t('reviewAdmin.progressText', { ...c.progress })}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'actions',
              render: (_, c) => (
                <Space size="small" onClick={(e) => e.stopPropagation()}>
                  {canExport && (
                    <Button size="small" icon={<DownloadOutlined />} onClick={() => exportCsv(c)} data-testid="review-export">
                      {t('admin.export')}
                    </Button>
                  )}
                  {isAdmin && c.status === 'open' && (
                    <Popconfirm
                      title={t('reviewAdmin.closeConfirm')}
                      onConfirm={() => close(c)}
                      okText={t('reviewAdmin.close')}
                      cancelText={t('admin.cancel')}
                    >
                      <Button size="small" icon={<StopOutlined />} data-testid="review-close">
                        {t('reviewAdmin.close')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" className="list-card" title={detail ? detail.campaign.name : t('reviewAdmin.select')} data-testid="review-detail">
        {detail && (
          <Table<ReviewItemView>
            size="small"
            rowKey="id"
            dataSource={detail.items}
            pagination={{ defaultPageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: t('common.noData') }}
            onRow={(i) =>
              ({
                'data-testid': 'review-item',
                'data-id': i.id,
                'data-decision': i.decision ?? 'pending',
              }) as React.HTMLAttributes<HTMLElement>
            }
            columns={[
              {
                key: 'zone',
                title: t('reviewAdmin.zone'),
                render: (_, i) => {
                  const zone = (zones.data ?? []).find((z) => z.id === i.zoneId);
                  return `${i.zoneName}${zone ? ` (${levelLabel(zone.level)})` : ''}`;
                },
              },
              { key: 'person', title: t('reviewAdmin.person'), dataIndex: 'personName' },
              {
                key: 'schedule',
                title: t('reviewAdmin.schedule'),
                render: (_, i) => (i.scheduleId ? (scheduleNames.get(i.scheduleId) ?? i.scheduleId) : t('admin.anyTime')),
              },
              {
                key: 'validUntil',
                title: t('reviewAdmin.validUntil'),
                render: (_, i) => (i.validUntil === null ? t('admin.noEnd') : formats.dateTime(i.validUntil)),
              },
              {
                key: 'decision',
                title: t('reviewAdmin.decision'),
                render: (_, i) =>
                  i.decision ? (
                    <span>
                      <Tag color={i.decision === 'keep' ? 'success' : 'error'}>{t(`reviewDecision.${i.decision}`)}</Tag>
                      <Typography.Text type="secondary">{i.decidedBy?.name}</Typography.Text>
                    </span>
                  ) : (
                    <Tag>{t('reviewAdmin.pending')}</Tag>
                  ),
              },
              {
                key: 'actions',
                render: (_, i) =>
                  canDecide &&
                  detail.campaign.status === 'open' &&
                  i.decision === null &&
                  i.personId !== user.personId && (
                    <Space size="small">
                      <Button size="small" icon={<CheckOutlined />} onClick={() => decide(i, 'keep')} data-testid="review-keep">
                        {t('reviewAdmin.keep')}
                      </Button>
                      <Popconfirm
                        title={t('reviewAdmin.removeConfirm', { person: i.personName, zone: i.zoneName })}
                        onConfirm={() => decide(i, 'remove')}
                        okText={t('reviewAdmin.remove')}
                        cancelText={t('admin.cancel')}
                        okButtonProps={{ danger: true, 'data-testid': 'review-remove-confirm' }}
                      >
                        <Button size="small" danger icon={<DeleteOutlined />} data-testid="review-remove">
                          {t('reviewAdmin.remove')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={starting}
        title={t('reviewAdmin.startTitle')}
        okText={t('reviewAdmin.start')}
        cancelText={t('admin.cancel')}
        onOk={start}
        onCancel={() => setStarting(false)}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'review-start-confirm' }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('reviewAdmin.name')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="zoneIds" label={t('reviewAdmin.zones')} extra={t('reviewAdmin.zonesHelp')}>
            <Select
              mode="multiple"
              options={(zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (${levelLabel(z.level)})` }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
