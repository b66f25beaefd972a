import { useEffect, useMemo, useState } from 'react';
import { Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { DepartmentView, DepartmentZoneView } from '@acs/shared/api/departments';
import { useAction } from '../../components/admin-kit';
import { useQuery } from '@tanstack/react-query';
import { scheduleQueries } from '../../api/schedules';
import { permissionKeys } from '../../api/permissions';
import { useMutations } from '../../api/query';
import { siteApi, siteKeys, siteQueries } from '../../api/site';
import { zoneQueries } from '../../api/zones';

/** Departments and the zones their members get by default (L0/L1). */
export function DepartmentsCard({ editable, levelLabel }: { editable: boolean; levelLabel: (level: number) => string }) {
  const { t } = useTranslation();
  const departments = useQuery(siteQueries.departments);
  const zones = useQuery(zoneQueries.list);
  const schedules = useQuery(scheduleQueries.list);
  const run = useAction();
  // Default zones of a department become its members' grants.
  const changes = useMutations(siteApi, [siteKeys.departments, permissionKeys.grants]);
  const [editing, setEditing] = useState<DepartmentView | null | undefined>(undefined);
  const [form] = Form.useForm<{ name: string; defaultZones: DepartmentZoneView[] }>();
  const zoneNames = useMemo(() => new Map((zones.data ?? []).map((z) => [z.id, z.name])), [zones.data]);
  const scheduleNames = useMemo(() => new Map((schedules.data ?? []).map((s) => [s.id, s.name])), [schedules.data]);

  useEffect(() => {
    if (editing === undefined) return;
    form.resetFields();
    form.setFieldsValue(editing ? { name: editing.name, defaultZones: editing.defaultZones } : { name: '', defaultZones: [] });
  }, [editing, form]);

  const save = async () => {
    const v = await form.validateFields();
    const body = {
      name: v.name,
      defaultZones: (v.defaultZones ?? []).map((z) => ({ zoneId: z.zoneId, scheduleId: z.scheduleId ?? null })),
    };
    const done = await run(() => (editing ? changes.updateDepartment(editing.id, body) : changes.createDepartment(body)), t('admin.saved'));
    if (done) setEditing(undefined);
  };
  const remove = async (d: DepartmentView) => {
    await run(() => changes.deleteDepartment(d.id), t('admin.deleted'));
  };

  return (
    <Card
      size="small"
      className="list-card"
      title={t('departmentAdmin.title')}
      data-testid="departments"
      extra={
        editable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="department-create">
            {t('departmentAdmin.create')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('departmentAdmin.defaultZonesHelp')}</Typography.Paragraph>
      <Table<DepartmentView>
        size="small"
        rowKey="id"
        dataSource={departments.data ?? []}
        loading={departments.isFetching && !departments.data}
        pagination={false}
        locale={{ emptyText: t('common.noData') }}
        columns={[
          { key: 'name', title: t('departmentAdmin.name'), dataIndex: 'name' },
          {
            key: 'zones',
            title: t('departmentAdmin.defaultZones'),
            render: (_, d) =>
              d.defaultZones.length
                ? d.defaultZones.map((z) => (
                    <Tag key={z.zoneId}>
                      {zoneNames.get(z.zoneId) ?? z.zoneId} ·{' '}
                      {z.scheduleId ? (scheduleNames.get(z.scheduleId) ?? z.scheduleId) : t('admin.anyTime')}
                    </Tag>
                  ))
                : t('common.none'),
          },
          { key: 'members', title: t('departmentAdmin.members'), dataIndex: 'memberCount', width: 90, align: 'right' },
          ...(editable
            ? [
                {
                  key: 'actions',
                  title: t('admin.actions'),
                  width: 150,
                  render: (_: unknown, d: DepartmentView) => (
                    <Space size="small">
                      <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(d)}>
                        {t('admin.edit')}
                      </Button>
                      <Popconfirm
                        title={t('admin.confirmDelete', { name: d.name })}
                        onConfirm={() => remove(d)}
                        okText={t('admin.delete')}
                        cancelText={t('admin.cancel')}
                      >
                        <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('admin.delete')} />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={editing ? t('departmentAdmin.editTitle') : t('departmentAdmin.createTitle')}
        okText={t('admin.save')}
        cancelText={t('admin.cancel')}
        onOk={save}
        onCancel={() => setEditing(undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('departmentAdmin.name')}
            rules={[{ required: true, whitespace: true, message: t('admin.required') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Typography.Text strong>{t('departmentAdmin.defaultZones')}</Typography.Text>
          <Form.List name="defaultZones">
            {(fields, { add, remove: removeField }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="start">
                    <Form.Item name={[field.name, 'zoneId']} rules={[{ required: true, message: t('admin.required') }]}>
                      <Select
                        style={{ width: 220 }}
                        options={(zones.data ?? [])
                          .filter((z) => z.level <= 1)
                          .map((z) => ({ value: z.id, label: `${z.name} (${levelLabel(z.level)})` }))}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'scheduleId']}>
                      <Select
                        style={{ width: 180 }}
                        allowClear
                        placeholder={t('admin.anyTime')}
                        options={(schedules.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
                      />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      onClick={() => removeField(field.name)}
                      aria-label={t('admin.delete')}
                    />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ zoneId: undefined, scheduleId: null })}>
                  {t('departmentAdmin.addZone')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Card>
  );
}
