import { useMemo } from 'react';
import { Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { ZoneView } from '@acs/shared/api/views';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ListPage } from '../../components/list-page';
import { zoneLevelColor, zoneLevelLabel } from '../../format/labels';

type ZoneNode = ZoneView & { children?: ZoneNode[] };

/** Zones nest (requirements §1, physical isolation): shown as a tree of outer → inner. */
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
  const zones = useApiQuery(api.zones);
  const people = useApiQuery(api.people);
  const personNames = useMemo(() => new Map((people.data ?? []).map((person) => [person.id, person.name])), [people.data]);

  const columns: ColumnsType<ZoneView> = [
    { key: 'name', title: t('zones.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      key: 'level',
      title: t('zones.level'),
      width: 160,
      sorter: (a, b) => a.level - b.level,
      render: (_, zone) => <Tag color={zoneLevelColor(zone.level)}>{zoneLevelLabel(t, zone.level)}</Tag>,
    },
    {
      key: 'owner',
      title: t('zones.owner'),
      render: (_, zone) => (zone.ownerPersonId ? (personNames.get(zone.ownerPersonId) ?? zone.ownerPersonId) : t('common.none')),
    },
    {
      key: 'antiPassback',
      title: t('zones.antiPassback'),
      width: 140,
      render: (_, zone) => t(`antiPassback.${zone.antiPassback}`),
    },
  ];

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
    />
  );
}
