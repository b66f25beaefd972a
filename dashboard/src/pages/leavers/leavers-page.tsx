import { Button, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { LeaverView } from '@acs/shared/api/reports';
import { useQuery } from '@tanstack/react-query';
import { downloadCsv, reportQueries } from '../../api/reports';
import { useAction, useHasRole, useSeconds } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';

type LeaverRow = LeaverView & { id: string };

/**
 * Departed people, when their access was revoked and when every agent confirmed it
 * (docs/product-rules.md#movers-and-leavers, #proof-at-the-doors).
 */
export function LeaversPage() {
  const { t } = useTranslation();
  // Rows are keyed by person: a leaver is one person.
  const leavers = useQuery({ ...reportQueries.leavers, select: (list): LeaverRow[] => list.map((l) => ({ ...l, id: l.personId })) });
  const formats = useDateFormatters();
  const seconds = useSeconds();
  const canExport = useHasRole('admin', 'auditor');
  const run = useAction();

  const columns: ColumnsType<LeaverRow> = [
    { key: 'name', title: t('leavers.person'), dataIndex: 'name' },
    { key: 'department', title: t('leavers.department'), render: (_, l) => l.department ?? t('common.none') },
    {
      key: 'departedAt',
      title: t('leavers.departedAt'),
      render: (_, l) => formats.dateTime(l.departedAt),
      sorter: (a, b) => a.departedAt - b.departedAt,
    },
    { key: 'cards', title: t('leavers.cards'), dataIndex: 'cardsRevoked', width: 90, align: 'right' },
    { key: 'grants', title: t('leavers.grants'), dataIndex: 'grantsEnded', width: 90, align: 'right' },
    {
      key: 'confirmed',
      title: t('leavers.confirmedAt'),
      render: (_, l) =>
        l.version === null ? (
          <Typography.Text type="secondary">{t('leavers.noProof')}</Typography.Text>
        ) : l.allConfirmedAt !== null ? (
          <Tooltip title={l.agents.map((a) => `${a.agentName}: ${a.confirmedAt ? formats.dateTime(a.confirmedAt) : '—'}`).join('\n')}>
            <span>{formats.dateTime(l.allConfirmedAt)}</span>
          </Tooltip>
        ) : (
          <Tag color="warning">{t('leavers.pendingAgents', { agents: l.pendingAgentIds.join(t('common.listSeparator')) })}</Tag>
        ),
    },
    {
      key: 'delay',
      title: t('leavers.delay'),
      render: (_, l) =>
        l.allConfirmedAt !== null && l.revokedAt !== null ? <Tag color="success">{seconds(l.allConfirmedAt - l.revokedAt)}</Tag> : '',
    },
  ];

  return (
    <ListPage<LeaverRow>
      title={t('leavers.title')}
      testId="leavers"
      query={leavers}
      columns={columns}
      searchPlaceholder={t('people.searchPlaceholder')}
      searchText={(l) => `${l.name} ${l.department ?? ''}`}
      rowAttributes={(l) => ({ 'data-confirmed': String(l.allConfirmedAt !== null) })}
      tools={
        canExport && (
          <Button
            icon={<DownloadOutlined />}
            onClick={() => run(() => downloadCsv('/api/reports/leavers.csv', 'leavers.csv'))}
            data-testid="leavers-export"
          >
            {t('admin.export')}
          </Button>
        )
      }
    />
  );
}
