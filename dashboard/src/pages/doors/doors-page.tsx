import { useMemo } from 'react';
import type { ColumnsType } from 'antd/es/table';
import { ArrowRightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { DoorView } from '@acs/shared/api/views';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ListPage } from '../../components/list-page';

export function DoorsPage() {
  const { t } = useTranslation();
  const doors = useApiQuery(api.doors);
  const zones = useApiQuery(api.zones);
  const agents = useApiQuery(api.agents);
  const zoneNames = useMemo(() => new Map((zones.data ?? []).map((zone) => [zone.id, zone.name])), [zones.data]);
  const agentNames = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent.name])), [agents.data]);
  const zoneName = (id: string) => zoneNames.get(id) ?? id;
  const seconds = (ms: number) => t('common.seconds', { value: Math.round(ms / 100) / 10 });

  const columns: ColumnsType<DoorView> = [
    { key: 'name', title: t('doors.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      key: 'passage',
      title: t('doors.passage'),
      render: (_, door) => (
        <span>
          {zoneName(door.fromZoneId)} <ArrowRightOutlined className="passage-arrow" /> {zoneName(door.toZoneId)}
        </span>
      ),
    },
    {
      key: 'agent',
      title: t('doors.agent'),
      render: (_, door) => (door.agentId ? (agentNames.get(door.agentId) ?? door.agentId) : t('common.none')),
    },
    { key: 'release', title: t('doors.release'), width: 120, align: 'right', render: (_, door) => seconds(door.releaseMs) },
    { key: 'heldOpen', title: t('doors.heldOpen'), width: 120, align: 'right', render: (_, door) => seconds(door.heldOpenMs) },
  ];

  return (
    <ListPage<DoorView>
      title={t('doors.title')}
      testId="doors"
      query={doors}
      columns={columns}
      searchPlaceholder={t('doors.searchPlaceholder')}
      searchText={(door) => [door.name, door.id, zoneName(door.fromZoneId), zoneName(door.toZoneId)].join(' ')}
    />
  );
}
