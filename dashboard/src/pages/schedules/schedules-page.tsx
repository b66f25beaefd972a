import { useState } from 'react';
import { Button, Popconfirm, Space, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schedule } from '@acs/shared/mqtt/payloads';
import { useAction, useHasRole, useSite } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { HolidayCalendar } from './holiday-calendar';
import { ScheduleForm } from './schedule-form';
import { useQuery } from '@tanstack/react-query';
import { useMutations } from '../../api/query';
import { type ScheduleInput, scheduleKeys, scheduleQueries, schedulesApi } from '../../api/schedules';

type ScheduleRow = Schedule;

export function SchedulesPage() {
  const { t } = useTranslation();
  const schedules = useQuery(scheduleQueries.list);
  const site = useSite();
  const isAdmin = useHasRole('admin');
  const run = useAction();
  const changes = useMutations(schedulesApi, [scheduleKeys.all]);
  const [editing, setEditing] = useState<Schedule | null | undefined>(undefined);

  const windowText = (s: Schedule) =>
    s.windows
      .map((w) => `${w.days.map((d) => t(`weekday.${String(d) as '1'}`)).join('')} ${w.start}–${w.end}`)
      .join(t('common.listSeparator'));

  const save = async (values: ScheduleInput): Promise<boolean> => {
    const done = await run(() => (editing ? changes.update(editing.id, values) : changes.create(values)), t('admin.saved'));
    return done !== undefined;
  };
  const remove = async (s: Schedule) => {
    await run(() => changes.remove(s.id), t('admin.deleted'));
  };

  const columns: ColumnsType<ScheduleRow> = [
    { key: 'name', title: t('scheduleAdmin.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      key: 'windows',
      title: t('scheduleAdmin.windows'),
      render: (_, s) => <span className="mono">{windowText(s) || t('common.none')}</span>,
    },
    {
      key: 'holidays',
      title: t('scheduleAdmin.holidays'),
      width: 170,
      render: (_, s) => (
        <Tag color={s.holidays === 'closed' ? 'orange' : 'default'}>
          {s.holidays === 'closed' ? t('scheduleAdmin.holidaysClosed') : t('scheduleAdmin.holidaysNormal')}
        </Tag>
      ),
    },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      title: t('admin.actions'),
      width: 150,
      render: (_, s) => (
        <Space size="small">
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(s)} data-testid="schedule-edit">
            {t('admin.edit')}
          </Button>
          <Popconfirm
            title={t('admin.confirmDelete', { name: s.name })}
            onConfirm={() => remove(s)}
            okText={t('admin.delete')}
            cancelText={t('admin.cancel')}
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="schedule-delete" aria-label={t('admin.delete')} />
          </Popconfirm>
        </Space>
      ),
    });
  }

  return (
    <div className="page-stack">
      <ListPage<ScheduleRow>
        title={t('scheduleAdmin.title')}
        testId="schedules"
        query={schedules}
        columns={columns}
        searchPlaceholder={t('scheduleAdmin.searchPlaceholder')}
        searchText={(s) => `${s.name} ${s.id}`}
        tools={
          isAdmin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="schedule-create">
              {t('scheduleAdmin.create')}
            </Button>
          )
        }
      >
        <ScheduleForm open={editing !== undefined} schedule={editing ?? null} onCancel={() => setEditing(undefined)} onSubmit={save} />
      </ListPage>
      <HolidayCalendar site={site.data} editable={isAdmin} />
    </div>
  );
}
