import { useMemo, useState } from 'react';
import { Button, Popconfirm, Space, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ZoneView } from '@acs/shared/api/zones';
import { LevelTag, useAction, useHasRole, useLevelLabel, useSite } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { ZoneForm } from './zone-form';
import { useQuery } from '@tanstack/react-query';
import { peopleQueries } from '../../api/people';
import { useMutations } from '../../api/query';
import { type ZoneInput, zoneKeys, zoneQueries, zonesApi } from '../../api/zones';

type ZoneNode = ZoneView & { children?: ZoneNode[] };

/** Zones nest (docs/product-rules.md#zone-nesting-and-doors): shown as a tree of outer → inner. */
export function zoneTree(zones: readonly ZoneView[]): ZoneNode[] {
  const nodes = new Map<string, ZoneNode>(zones.map((zone) => [zone.id, { ...zone }]));
  const roots: ZoneNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent && parent !== node) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

export function ZonesPage() {
  const { t } = useTranslation();
  const zones = useQuery(zoneQueries.list);
  const people = useQuery(peopleQueries.list);
  const site = useSite();
  const levelLabel = useLevelLabel(site.data);
  const isAdmin = useHasRole('admin');
  const run = useAction();
  const changes = useMutations(zonesApi, [zoneKeys.all]);
  const [editing, setEditing] = useState<ZoneView | null | undefined>(undefined);
  const personNames = useMemo(() => new Map((people.data ?? []).map((person) => [person.id, person.name])), [people.data]);

  const save = async (values: ZoneInput): Promise<boolean> => {
    const done = await run(() => (editing ? changes.update(editing.id, values) : changes.create(values)), t('admin.saved'));
    return done !== undefined;
  };
  const remove = async (zone: ZoneView) => {
    await run(() => changes.remove(zone.id), t('admin.deleted'));
  };

  const columns: ColumnsType<ZoneView> = [
    { key: 'name', title: t('zones.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      key: 'level',
      title: t('zones.level'),
      width: 170,
      sorter: (a, b) => a.level - b.level,
      render: (_, zone) => <LevelTag level={zone.level} label={levelLabel} />,
    },
    {
      key: 'owner',
      title: t('zones.owner'),
      render: (_, zone) => (zone.ownerPersonId ? (personNames.get(zone.ownerPersonId) ?? zone.ownerPersonId) : t('common.none')),
    },
    {
      key: 'antiPassback',
      title: t('zones.antiPassback'),
      width: 120,
      render: (_, zone) => (
        <>
          {zone.antiPassback === 'off' ? t('antiPassback.off') : <Tag>{t(`antiPassback.${zone.antiPassback}`)}</Tag>}
          {zone.twoPerson && (
            <Tag color="purple" data-testid="zone-two-person-tag">
              {t('doorRules.twoPersonOn')}
            </Tag>
          )}
        </>
      ),
    },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      title: t('admin.actions'),
      width: 150,
      render: (_, zone) => (
        <Space size="small">
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(zone)} data-testid="zone-edit">
            {t('admin.edit')}
          </Button>
          <Popconfirm
            title={t('admin.confirmDelete', { name: zone.name })}
            onConfirm={() => remove(zone)}
            okText={t('admin.delete')}
            cancelText={t('admin.cancel')}
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="zone-delete" aria-label={t('admin.delete')} />
          </Popconfirm>
        </Space>
      ),
    });
  }

  return (
    <ListPage<ZoneView>
      title={t('zones.title')}
      testId="zones"
      query={zones}
      columns={columns}
      searchPlaceholder={t('zones.searchPlaceholder')}
      searchText={(zone) => zone.name}
      arrange={(rows, searching) => (searching ? rows : zoneTree(rows))}
      expandAll
      rowAttributes={(zone) => ({ 'data-level': String(zone.level) })}
      tools={
        isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="zone-create">
            {t('zoneAdmin.create')}
          </Button>
        )
      }
    >
      <ZoneForm
        open={editing !== undefined}
        zone={editing ?? null}
        zones={zones.data ?? []}
        people={people.data ?? []}
        levelLabel={levelLabel}
        onCancel={() => setEditing(undefined)}
        onSubmit={save}
      />
    </ListPage>
  );
}
