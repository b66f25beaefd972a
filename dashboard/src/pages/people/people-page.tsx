import { useState } from 'react';
import { Button, Popconfirm, Space, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { EditOutlined, LogoutOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '@acs/shared/api/people';
import { useAction, useHasRole } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';
import { PersonForm } from './person-form';
import { useQuery } from '@tanstack/react-query';
import { peopleApi, peopleKeys, peopleQueries, type PersonInput } from '../../api/people';
import { permissionKeys } from '../../api/permissions';
import { useMutations } from '../../api/query';
import { siteKeys, siteQueries } from '../../api/site';

export function PeoplePage() {
  const { t } = useTranslation();
  const people = useQuery(peopleQueries.list);
  const departments = useQuery(siteQueries.departments);
  const formats = useDateFormatters();
  const isAdmin = useHasRole('admin');
  const run = useAction();
  // A move changes the department's members and the grants its default zones give.
  const changes = useMutations(peopleApi, [peopleKeys.all, siteKeys.departments, permissionKeys.grants]);
  const [editing, setEditing] = useState<PersonView | null | undefined>(undefined);

  const save = async (values: PersonInput): Promise<boolean> => {
    const moved = editing && (values.department ?? null) !== editing.department;
    // An unchanged department is not sent: only a new one is a move.
    if (editing && !moved) delete values.department;
    const done = await run(
      () => (editing ? changes.update(editing.id, values) : changes.create(values)),
      moved ? t('peopleAdmin.moved', { department: values.department ?? t('admin.none') }) : t('admin.saved'),
    );
    return done !== undefined;
  };
  const depart = async (person: PersonView) => {
    await run(() => changes.update(person.id, { status: 'departed' }), t('peopleAdmin.departed'));
  };

  const columns: ColumnsType<PersonView> = [
    { key: 'name', title: t('people.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    { key: 'kind', title: t('people.kind'), width: 110, render: (_, person) => t(`personKind.${person.kind}`) },
    {
      key: 'department',
      title: t('people.department'),
      render: (_, person) => person.department ?? t('common.none'),
      sorter: (a, b) => (a.department ?? '').localeCompare(b.department ?? ''),
    },
    { key: 'email', title: t('people.email'), render: (_, person) => person.email ?? t('common.none') },
    {
      key: 'status',
      title: t('people.status'),
      width: 120,
      render: (_, person) => (
        <Tooltip title={person.departedAt ? `${t('peopleAdmin.departedAt')}: ${formats.dateTime(person.departedAt)}` : undefined}>
          <Tag color={person.status === 'active' ? 'green' : 'default'}>{t(`personStatus.${person.status}`)}</Tag>
        </Tooltip>
      ),
    },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      title: t('admin.actions'),
      width: 200,
      render: (_, person) =>
        person.status === 'active' && (
          <Space size="small">
            <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(person)} data-testid="person-edit">
              {t('admin.edit')}
            </Button>
            <Popconfirm
              title={t('peopleAdmin.departConfirm', { name: person.name })}
              onConfirm={() => depart(person)}
              okText={t('admin.confirm')}
              cancelText={t('admin.cancel')}
              okButtonProps={{ danger: true, 'data-testid': 'person-depart-confirm' }}
            >
              <Button size="small" danger icon={<LogoutOutlined />} data-testid="person-depart">
                {t('peopleAdmin.depart')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    });
  }

  return (
    <ListPage<PersonView>
      title={t('people.title')}
      testId="people"
      query={people}
      columns={columns}
      searchPlaceholder={t('people.searchPlaceholder')}
      searchText={(person) => [person.name, person.department ?? '', person.email ?? ''].join(' ')}
      rowAttributes={(person) => ({ 'data-status': person.status })}
      tools={
        isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="person-create">
            {t('peopleAdmin.create')}
          </Button>
        )
      }
    >
      <PersonForm
        open={editing !== undefined}
        person={editing ?? null}
        departments={departments.data ?? []}
        onCancel={() => setEditing(undefined)}
        onSubmit={save}
      />
    </ListPage>
  );
}
