import type { HTMLAttributes } from 'react';
import { Alert, Badge, Card, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { AgentView } from '@acs/shared/api/agents';
import { useDateFormatters, useNow } from '../../format/date-format';
import type { LiveAgents } from './use-live-agents';

/** Whether an agent enforces what the server compiled for it (proof at every door). */
export type AgentSyncState = 'inSync' | 'behind' | 'hashMismatch' | 'notApplied';

export function agentSyncState(agent: AgentView): AgentSyncState {
  if (agent.appliedVersion === null) return 'notApplied';
  if (agent.hashMatches === false) return 'hashMismatch';
  if (agent.appliedVersion < agent.targetVersion) return 'behind';
  return 'inSync';
}

const SYNC_COLOR: Record<AgentSyncState, string> = {
  inSync: 'success',
  behind: 'warning',
  hashMismatch: 'error',
  notApplied: 'default',
};

export function AgentsPanel({ live, doorNames }: { live: LiveAgents; doorNames: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const now = useNow(5000);
  const agents = live.agents ?? [];
  const online = agents.filter((agent) => agent.online).length;

  const columns: ColumnsType<AgentView> = [
    {
      key: 'agent',
      title: t('live.agents.agent'),
      render: (_, agent) => (
        <div className="agent-name">
          <span className="agent-name-main">{agent.name}</span>
          {agent.doors.length > 0 && (
            <Tooltip title={t('live.agents.doors')}>
              <span className="agent-doors">{agent.doors.map((id) => doorNames.get(id) ?? id).join(t('common.listSeparator'))}</span>
            </Tooltip>
          )}
        </div>
      ),
    },
    {
      key: 'status',
      title: t('live.agents.status'),
      width: 96,
      render: (_, agent) => (
        <div>
          <Badge
            status={agent.online ? 'success' : 'error'}
            text={
              <span className={agent.online ? 'agent-online' : 'agent-offline'}>
                {agent.online ? t('live.agents.online') : t('live.agents.offline')}
              </span>
            }
          />
          <div>
            {agent.lastSeenAt === null ? (
              <Typography.Text type="secondary">{t('live.agents.never')}</Typography.Text>
            ) : (
              <Tooltip title={formats.dateTime(agent.lastSeenAt)}>
                <Typography.Text type="secondary" className="agent-last-seen">
                  {formats.relative(agent.lastSeenAt, now)}
                </Typography.Text>
              </Tooltip>
            )}
          </div>
        </div>
      ),
    },
    {
      key: 'permissions',
      title: t('live.agents.permissions'),
      width: 128,
      render: (_, agent) => {
        const sync = agentSyncState(agent);
        const hash =
          agent.hashMatches === null
            ? t('live.agents.hashUnknown')
            : agent.hashMatches
              ? t('live.agents.hashMatches')
              : t('live.agents.hashDiffers');
        return (
          <Tooltip
            title={
              <>
                <div>
                  {agent.appliedVersion === null
                    ? t('live.agents.versionsNone', { target: agent.targetVersion })
                    : t('live.agents.versions', { applied: agent.appliedVersion, target: agent.targetVersion })}
                </div>
                <div>{hash}</div>
                {agent.appliedAt !== null && <div>{t('live.agents.appliedAt', { time: formats.dateTime(agent.appliedAt) })}</div>}
              </>
            }
          >
            <div className="agent-sync">
              <Tag color={SYNC_COLOR[sync]} data-testid="agent-sync" data-sync={sync}>
                {t(`live.agents.${sync}`)}
              </Tag>
              <span className="mono agent-versions">
                {t('live.agents.versionsShort', {
                  applied: agent.appliedVersion ?? t('common.none'),
                  target: agent.targetVersion,
                })}
              </span>
            </div>
          </Tooltip>
        );
      },
    },
  ];

  return (
    <Card
      size="small"
      className="live-card"
      title={t('live.agents.title')}
      extra={
        live.agents && (
          <Tag color={online === agents.length ? 'success' : 'error'} data-testid="agents-online-count">
            {t('live.agents.onlineCount', { online, total: agents.length })}
          </Tag>
        )
      }
    >
      {live.error && <Alert type="error" showIcon title={t('common.loadFailed', { message: live.error.message })} className="live-alert" />}
      <Table<AgentView>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={agents}
        loading={!live.agents && !live.error}
        pagination={false}
        locale={{ emptyText: t('live.agents.empty') }}
        rowClassName={(agent) => (agent.online ? '' : 'agent-row-offline')}
        onRow={(agent) =>
          ({
            'data-testid': 'agent-row',
            'data-agent-id': agent.id,
            'data-online': String(agent.online),
            'data-sync': agentSyncState(agent),
          }) as HTMLAttributes<HTMLElement>
        }
      />
    </Card>
  );
}
