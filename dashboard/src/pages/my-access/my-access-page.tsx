import { useMemo } from 'react';
import { Alert, Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { GrantView } from '@acs/shared/api/grants';
import { useSignedInUser } from '../../auth/auth-context';
import { LevelTag, useLevelLabel, useSite } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { cardStatusColor } from '../../format/labels';
import { useQuery } from '@tanstack/react-query';
import { cardQueries } from '../../api/cards';
import { permissionQueries } from '../../api/permissions';
import { scheduleQueries } from '../../api/schedules';
import { zoneQueries } from '../../api/zones';

/** "My access": the zones I may enter, when, and until when; and my cards. */
export function MyAccessPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const grants = useQuery(permissionQueries.grants());
  const cards = useQuery(cardQueries.list);
  const zones = useQuery(zoneQueries.list);
  const schedules = useQuery(scheduleQueries.list);
  const site = useSite();
  const levelLabel = useLevelLabel(site.data);
  const formats = useDateFormatters();
  const zoneById = useMemo(() => new Map((zones.data ?? []).map((z) => [z.id, z])), [zones.data]);
  const scheduleById = useMemo(() => new Map((schedules.data ?? []).map((s) => [s.id, s])), [schedules.data]);
  const windows = (id: string) =>
    scheduleById
      .get(id)
      ?.windows.map((w) => `${w.days.map((d) => t(`weekday.${String(d) as '1'}`)).join('')} ${w.start}–${w.end}`)
      .join(t('common.listSeparator')) ?? '';

  return (
    <div className="page-stack" data-testid="page-my-access">
      <Card size="small" className="list-card" title={t('myAccess.title')}>
        {!user.personId && <Alert type="warning" showIcon title={t('myAccess.noPerson')} />}
        <Table<GrantView>
          size="small"
          rowKey="id"
          loading={grants.isFetching && !grants.data}
          dataSource={grants.data ?? []}
          pagination={false}
          locale={{ emptyText: t('myAccess.empty') }}
          onRow={(g) => ({ 'data-testid': 'my-access-row', 'data-zone-id': g.zoneId }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { key: 'zone', title: t('myAccess.zone'), render: (_, g) => zoneById.get(g.zoneId)?.name ?? g.zoneId },
            {
              key: 'level',
              title: t('myAccess.level'),
              render: (_, g) => {
                const zone = zoneById.get(g.zoneId);
                return zone ? <LevelTag level={zone.level} label={levelLabel} /> : null;
              },
            },
            {
              key: 'schedule',
              title: t('myAccess.schedule'),
              render: (_, g) =>
                g.scheduleId ? (
                  <span>
                    {scheduleById.get(g.scheduleId)?.name ?? g.scheduleId} <span className="mono secondary">{windows(g.scheduleId)}</span>
                  </span>
                ) : (
                  t('admin.anyTime')
                ),
            },
            {
              key: 'validUntil',
              title: t('myAccess.validUntil'),
              render: (_, g) => (g.validUntil === null ? t('admin.noEnd') : formats.dateTime(g.validUntil)),
            },
          ]}
        />
      </Card>
      <Card size="small" className="list-card" title={t('cardAdmin.myTitle')}>
        <Table
          size="small"
          rowKey="id"
          loading={cards.isFetching && !cards.data}
          dataSource={cards.data ?? []}
          pagination={false}
          locale={{ emptyText: t('common.noData') }}
          onRow={(c) => ({ 'data-testid': 'my-card-row', 'data-status': c.status }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { key: 'number', title: t('cards.number'), render: (_, c) => <span className="mono">{c.display}</span> },
            { key: 'type', title: t('cards.type'), render: (_, c) => t(`cardType.${c.type}`) },
            {
              key: 'status',
              title: t('cards.status'),
              render: (_, c) => <Tag color={cardStatusColor(c.status)}>{t(`cardStatus.${c.status}`)}</Tag>,
            },
            {
              key: 'validUntil',
              title: t('cards.validUntil'),
              render: (_, c) => (c.validUntil === null ? t('cards.noLimit') : formats.dateTime(c.validUntil)),
            },
          ]}
        />
      </Card>
    </div>
  );
}
