import { useMemo, useState } from 'react';
import { Alert, Button, Input, Modal, Segmented, Space, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AccessRequestStatus, AccessRequestView } from '@acs/shared/api/access-requests';
import { useQuery } from '@tanstack/react-query';
import { permissionKeys, permissionQueries, permissionsApi } from '../../api/permissions';
import { useMutations } from '../../api/query';
import { useSignedInUser } from '../../auth/auth-context';
import { LevelTag, useAction, useLevelLabel, useSite } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';

const STATUS_COLOR: Record<AccessRequestStatus, string> = {
  pending: 'processing',
  approved: 'success',
  refused: 'error',
  cancelled: 'default',
};

export function RequestStatusTag({ status }: { status: AccessRequestStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="request-status">
      {t(`requestStatus.${status}`)}
    </Tag>
  );
}

/**
 * Access requests to decide: every request for admins (and, read-only, guards and
 * auditors); for employees, the requests for the zones they own.
 */
export function RequestsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const canDecide = user.role === 'admin' || user.role === 'employee';
  const [filter, setFilter] = useState<'pending' | 'all'>('pending');
  const requests = useQuery(permissionQueries.accessRequests({ scope: user.role === 'employee' ? 'to-decide' : 'all' }));
  // An approval grants the zone.
  const changes = useMutations(permissionsApi, [permissionKeys.accessRequests, permissionKeys.grants]);
  const site = useSite();
  const levelLabel = useLevelLabel(site.data);
  const formats = useDateFormatters();
  const run = useAction();
  const [deciding, setDeciding] = useState<{ request: AccessRequestView; approve: boolean } | null>(null);
  const [reason, setReason] = useState('');
  const rows = useMemo(() => (requests.data ?? []).filter((r) => filter === 'all' || r.status === 'pending'), [requests.data, filter]);

  const decide = async () => {
    if (!deciding) return;
    const { request, approve } = deciding;
    const done = await run(
      () => (approve ? changes.approveRequest(request.id, reason.trim() || undefined) : changes.refuseRequest(request.id, reason.trim())),
      approve ? t('requestAdmin.approved') : t('requestAdmin.refused'),
    );
    if (done) setDeciding(null);
  };
  const open = (request: AccessRequestView, approve: boolean) => {
    setReason('');
    setDeciding({ request, approve });
  };

  const columns: ColumnsType<AccessRequestView> = [
    { key: 'person', title: t('requestAdmin.person'), dataIndex: 'personName' },
    {
      key: 'zone',
      title: t('requestAdmin.zone'),
      render: (_, r) => (
        <span>
          {r.zoneName} <LevelTag level={r.zoneLevel} label={levelLabel} />
        </span>
      ),
    },
    {
      key: 'until',
      title: t('requestAdmin.until'),
      render: (_, r) => (r.validUntil === null ? t('admin.noEnd') : formats.dateTime(r.validUntil)),
    },
    { key: 'reason', title: t('requestAdmin.reason'), dataIndex: 'reason' },
    {
      key: 'requestedAt',
      title: t('requestAdmin.requestedAt'),
      render: (_, r) => formats.dateTime(r.requestedAt),
      sorter: (a, b) => a.requestedAt - b.requestedAt,
    },
    { key: 'status', title: t('requestAdmin.status'), width: 100, render: (_, r) => <RequestStatusTag status={r.status} /> },
    {
      key: 'decision',
      title: t('requestAdmin.decision'),
      render: (_, r) => (r.decidedBy ? `${r.decidedBy.name}${r.decisionReason ? `: ${r.decisionReason}` : ''}` : ''),
    },
  ];
  if (canDecide) {
    columns.push({
      key: 'actions',
      title: t('admin.actions'),
      width: 180,
      render: (_, r) =>
        r.status === 'pending' &&
        r.personId !== user.personId && (
          <Space size="small">
            <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => open(r, true)} data-testid="request-approve">
              {t('requestAdmin.approve')}
            </Button>
            <Button size="small" danger icon={<CloseOutlined />} onClick={() => open(r, false)} data-testid="request-refuse">
              {t('requestAdmin.refuse')}
            </Button>
          </Space>
        ),
    });
  }

  return (
    <ListPage<AccessRequestView>
      title={user.role === 'employee' ? t('requestAdmin.toDecide') : t('requestAdmin.title')}
      testId="requests"
      query={{ ...requests, data: requests.data ? rows : undefined }}
      columns={columns}
      searchPlaceholder={t('grantAdmin.searchPlaceholder')}
      searchText={(r) => `${r.personName} ${r.zoneName} ${r.reason}`}
      rowAttributes={(r) => ({ 'data-status': r.status })}
      tools={
        <Segmented
          value={filter}
          onChange={(v) => setFilter(v as 'pending' | 'all')}
          options={[
            { value: 'pending', label: t('requestStatus.pending') },
            { value: 'all', label: t('requestAdmin.all') },
          ]}
          data-testid="requests-filter"
        />
      }
      header={<Alert type="info" showIcon title={t('requestAdmin.ownerRule')} className="page-note" />}
    >
      <Modal
        open={deciding !== null}
        title={
          deciding
            ? t(deciding.approve ? 'requestAdmin.approveTitle' : 'requestAdmin.refuseTitle', {
                person: deciding.request.personName,
                zone: deciding.request.zoneName,
              })
            : ''
        }
        okText={deciding?.approve ? t('requestAdmin.approve') : t('requestAdmin.refuse')}
        cancelText={t('admin.cancel')}
        okButtonProps={{
          danger: deciding?.approve === false,
          disabled: deciding?.approve === false && !reason.trim(),
          'data-testid': 'request-decision-confirm',
        }}
        onOk={decide}
        onCancel={() => setDeciding(null)}
        destroyOnHidden
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          placeholder={deciding?.approve ? t('requestAdmin.approveReason') : t('requestAdmin.refuseReason')}
          data-testid="request-decision-reason"
        />
      </Modal>
    </ListPage>
  );
}
