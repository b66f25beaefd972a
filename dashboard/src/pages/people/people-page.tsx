import { useState } from 'react';
import { Button, Popconfirm, Space, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { EditOutlined, LogoutOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '@acs/shared/api/people';
import { adminApi, type PersonInput } from '../../api/admin-endpoints';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { useAction, useHasRole } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';
import { PersonForm } from './person-form';

export function PeoplePage() {
  const { t } = useTranslation();
  const people = useApiQuery(api.people);
  const departments = useApiQuery(adminApi.departments);
  const formats = useDateFormatters();
  const isAdmin = useHasRole('admin');
  const run = useAction();
  const [editing, setEditing] = useState<PersonView | null | undefined>(undefined);

  const save = async (values: PersonInput): Promise<boolean> => {
    const moved = editing && (values.department ?? null) !== editing.department;
    // An unchanged department is not sent: only a new one is a move.
    if (editing && !moved) delete values.department;
    const done = await run(
      () => (editing ? adminApi.updatePerson(editing.id, values) : adminApi.createPerson(values)),
      moved ? t('peopleAdmin.moved', { department: values.department ?? t('admin.none') }) : t('admin.saved'),
    );
    if (done) {
      people.reload();
      departments.reload();
    }
    return done !== undefined;
  };
  const depart = async (person: PersonView) => {
    if ((await run(() => adminApi.updatePerson(person.id, { status: 'departed' }), t('peopleAdmin.departed'))) !== undefined) people.reload();
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
      <PersonForm open={editing !== undefined} person={editing ?? null} departments={departments.data ?? []} onCancel={() => setEditing(undefined)} onSubmit={save} />
    </ListPage>
  );
}
