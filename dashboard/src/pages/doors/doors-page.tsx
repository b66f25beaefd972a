import { useMemo, useState } from 'react';
import { Button, Popconfirm, Space } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowRightOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { DoorView } from '@acs/shared/api/doors';
import { useAction, useHasRole } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { DoorForm } from './door-form';
import { useQuery } from '@tanstack/react-query';
import { agentQueries } from '../../api/agents';
import { type DoorInput, doorKeys, doorQueries, doorsApi } from '../../api/doors';
import { useMutations } from '../../api/query';
import { zoneQueries } from '../../api/zones';

export function DoorsPage() {
  const { t } = useTranslation();
  const doors = useQuery(doorQueries.list);
  const zones = useQuery(zoneQueries.list);
  const agents = useQuery(agentQueries.listOrNone);
  const isAdmin = useHasRole('admin');
  const run = useAction();
  const changes = useMutations(doorsApi, [doorKeys.all]);
  const [editing, setEditing] = useState<DoorView | null | undefined>(undefined);
  const zoneNames = useMemo(() => new Map((zones.data ?? []).map((zone) => [zone.id, zone.name])), [zones.data]);
  const agentNames = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent.name])), [agents.data]);
  const zoneName = (id: string) => zoneNames.get(id) ?? id;
  const seconds = (ms: number) => t('common.seconds', { value: Math.round(ms / 100) / 10 });

  const save = async (values: DoorInput): Promise<boolean> => {
    const done = await run(() => (editing ? changes.update(editing.id, values) : changes.create(values)), t('admin.saved'));
    return done !== undefined;
  };
  const remove = async (door: DoorView) => {
    await run(() => changes.remove(door.id), t('admin.deleted'));
  };

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
    { key: 'release', title: t('doors.release'), width: 110, align: 'right', render: (_, door) => seconds(door.releaseMs) },
    { key: 'heldOpen', title: t('doors.heldOpen'), width: 120, align: 'right', render: (_, door) => seconds(door.heldOpenMs) },
    { key: 'failMode', title: t('doorAdmin.failMode'), width: 170, render: (_, door) => t(`failMode.${door.failMode}`) },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      title: t('admin.actions'),
      width: 150,
      render: (_, door) => (
        <Space size="small">
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(door)} data-testid="door-edit">
            {t('admin.edit')}
          </Button>
          <Popconfirm
            title={t('admin.confirmDelete', { name: door.name })}
            onConfirm={() => remove(door)}
            okText={t('admin.delete')}
            cancelText={t('admin.cancel')}
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="door-delete" aria-label={t('admin.delete')} />
          </Popconfirm>
        </Space>
      ),
    });
  }

  return (
    <ListPage<DoorView>
      title={t('doors.title')}
      testId="doors"
      query={doors}
      columns={columns}
      searchPlaceholder={t('doors.searchPlaceholder')}
      searchText={(door) => [door.name, door.id, zoneName(door.fromZoneId), zoneName(door.toZoneId)].join(' ')}
      tools={
        isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="door-create">
            {t('doorAdmin.create')}
          </Button>
        )
      }
    >
      <DoorForm
        open={editing !== undefined}
        door={editing ?? null}
        zones={zones.data ?? []}
        agents={agents.data ?? []}
        onCancel={() => setEditing(undefined)}
        onSubmit={save}
      />
    </ListPage>
  );
}
