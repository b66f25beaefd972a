import { useEffect, useMemo, useState } from 'react';
import { Button, Form, Input, Modal, Popconfirm, Select } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { GrantView } from '@acs/shared/api/grants';
import { permissionKeys, permissionQueries, permissionsApi } from '../../api/permissions';
import { useMutations } from '../../api/query';
import { LevelTag, useAction, useHasRole, useLevelLabel, usePersonOptions, useSite } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';
import { endOfDay } from '../cards/card-forms';
import { useQuery } from '@tanstack/react-query';
import { peopleQueries } from '../../api/people';
import { scheduleQueries } from '../../api/schedules';
import { zoneQueries } from '../../api/zones';

/** Live grants per person and zone, with schedule and expiry; admins grant and revoke. */
export function PermissionsPage() {
  const { t } = useTranslation();
  const grants = useQuery(permissionQueries.grants());
  const changes = useMutations(permissionsApi, [permissionKeys.grants]);
  const people = useQuery(peopleQueries.list);
  const zones = useQuery(zoneQueries.list);
  const schedules = useQuery(scheduleQueries.list);
  const site = useSite();
  const levelLabel = useLevelLabel(site.data);
  const formats = useDateFormatters();
  const isAdmin = useHasRole('admin');
  const run = useAction();
  const [granting, setGranting] = useState(false);
  const [form] = Form.useForm<{ personId: string; zoneId: string; scheduleId?: string; validUntil?: string }>();
  const personOptions = usePersonOptions(people.data);
  const personNames = useMemo(() => new Map((people.data ?? []).map((p) => [p.id, p.name])), [people.data]);
  const zoneById = useMemo(() => new Map((zones.data ?? []).map((z) => [z.id, z])), [zones.data]);
  const scheduleNames = useMemo(() => new Map((schedules.data ?? []).map((s) => [s.id, s.name])), [schedules.data]);
  useEffect(() => {
    if (granting) form.resetFields();
  }, [granting, form]);

  const grant = async () => {
    const v = await form.validateFields();
    const done = await run(
      () =>
        changes.createGrant({
          personId: v.personId,
          zoneId: v.zoneId,
          scheduleId: v.scheduleId ?? null,
          validUntil: endOfDay(v.validUntil),
        }),
      t('grantAdmin.granted'),
    );
    if (done) setGranting(false);
  };
  const revoke = async (g: GrantView) => {
    await run(() => changes.revokeGrant(g.id), t('grantAdmin.revoked'));
  };

  const columns: ColumnsType<GrantView> = [
    {
      key: 'person',
      title: t('grantAdmin.person'),
      render: (_, g) => personNames.get(g.personId) ?? g.personId,
      sorter: (a, b) => (personNames.get(a.personId) ?? '').localeCompare(personNames.get(b.personId) ?? ''),
    },
    {
      key: 'zone',
      title: t('grantAdmin.zone'),
      render: (_, g) => {
        const zone = zoneById.get(g.zoneId);
        return (
          <span>
            {zone?.name ?? g.zoneId} {zone && <LevelTag level={zone.level} label={levelLabel} />}
          </span>
        );
      },
    },
    {
      key: 'schedule',
      title: t('grantAdmin.schedule'),
      render: (_, g) => (g.scheduleId ? (scheduleNames.get(g.scheduleId) ?? g.scheduleId) : t('admin.anyTime')),
    },
    {
      key: 'validUntil',
      title: t('grantAdmin.validUntil'),
      render: (_, g) => (g.validUntil === null ? t('admin.noEnd') : formats.dateTime(g.validUntil)),
    },
    {
      key: 'createdAt',
      title: t('grantAdmin.createdAt'),
      render: (_, g) => formats.dateTime(g.createdAt),
      sorter: (a, b) => a.createdAt - b.createdAt,
    },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      title: t('admin.actions'),
      width: 110,
      render: (_, g) => (
        <Popconfirm
          title={t('grantAdmin.revokeConfirm', {
            person: personNames.get(g.personId) ?? '',
            zone: zoneById.get(g.zoneId)?.name ?? g.zoneId,
          })}
          onConfirm={() => revoke(g)}
          okText={t('grantAdmin.revoke')}
          cancelText={t('admin.cancel')}
          okButtonProps={{ danger: true, 'data-testid': 'grant-revoke-confirm' }}
        >
          <Button size="small" danger icon={<StopOutlined />} data-testid="grant-revoke">
            {t('grantAdmin.revoke')}
          </Button>
        </Popconfirm>
      ),
    });
  }

  return (
    <ListPage<GrantView>
      title={t('grantAdmin.title')}
      testId="grants"
      query={grants}
      columns={columns}
      searchPlaceholder={t('grantAdmin.searchPlaceholder')}
      searchText={(g) => `${personNames.get(g.personId) ?? ''} ${zoneById.get(g.zoneId)?.name ?? ''} ${g.zoneId}`}
      rowAttributes={(g) => ({ 'data-person-id': g.personId, 'data-zone-id': g.zoneId })}
      tools={
        isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setGranting(true)} data-testid="grant-create">
            {t('grantAdmin.grant')}
          </Button>
        )
      }
    >
      <Modal
        open={granting}
        title={t('grantAdmin.grantTitle')}
        okText={t('grantAdmin.grant')}
        cancelText={t('admin.cancel')}
        onOk={grant}
        onCancel={() => setGranting(false)}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'grant-save' }}
      >
        <Form form={form} layout="vertical" data-testid="grant-form">
          <Form.Item name="personId" label={t('grantAdmin.person')} rules={[{ required: true, message: t('admin.required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={personOptions} data-testid="grant-person" />
          </Form.Item>
          <Form.Item name="zoneId" label={t('grantAdmin.zone')} rules={[{ required: true, message: t('admin.required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={(zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (${levelLabel(z.level)})` }))}
              data-testid="grant-zone"
            />
          </Form.Item>
          <Form.Item name="scheduleId" label={t('grantAdmin.schedule')}>
            <Select
              allowClear
              placeholder={t('admin.anyTime')}
              options={(schedules.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              data-testid="grant-schedule"
            />
          </Form.Item>
          <Form.Item name="validUntil" label={t('grantAdmin.validUntil')}>
            <Input type="date" data-testid="grant-valid-until" />
          </Form.Item>
        </Form>
      </Modal>
    </ListPage>
  );
}
