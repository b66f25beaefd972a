import { Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '@acs/shared/api/views';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ListPage } from '../../components/list-page';

export function PeoplePage() {
  const { t } = useTranslation();
  const people = useApiQuery(api.people);

  const columns: ColumnsType<PersonView> = [
    { key: 'name', title: t('people.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    { key: 'kind', title: t('people.kind'), width: 120, render: (_, person) => t(`personKind.${person.kind}`) },
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
      width: 110,
      render: (_, person) => (
        <Tag color={person.status === 'active' ? 'green' : 'default'}>{t(`personStatus.${person.status}`)}</Tag>
      ),
    },
  ];

  return (
    <ListPage<PersonView>
      title={t('people.title')}
      testId="people"
      query={people}
      columns={columns}
      searchPlaceholder={t('people.searchPlaceholder')}
      searchText={(person) => [person.name, person.department ?? '', person.email ?? ''].join(' ')}
    />
  );
}
