import { Alert, Badge, Button, Card, List, Table, Tag, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AgentLagView } from '@acs/shared/api/agents';
import type { RevocationProofView } from '@acs/shared/api/proof';
import { agentKeys, agentLag } from '../../api/agents';
import { revocationProofs } from '../../api/permissions';
import { useSeconds } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { useLiveQuery } from '../../realtime/live-query';

/**
 * Proof that changes reached the doors: agents against the current permission version
 * (and what they miss), and each revocation's time from the click to the last agent's
 * confirmation. Refreshed on every agent push.
 */
export function ProofPage() {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const seconds = useSeconds();
  const proof = useLiveQuery({
    queryKey: [...agentKeys.lag, 'with-revocations'],
    snapshot: async (signal) => {
      const [lag, revocations] = await Promise.all([agentLag(signal), revocationProofs(30, signal)]);
      return { lag, revocations };
    },
    on: { 'agent:v1': 'refetch' },
  });
  const { lag, revocations } = proof.data ?? {};
  const error = proof.error?.message ?? null;
  const load = () => void proof.refetch();

  return (
    <div className="page-stack" data-testid="page-proof">
      {error && <Alert type="error" showIcon title={t('common.loadFailed', { message: error })} />}
      <Card
        size="small"
        className="list-card"
        title={t('proof.lagTitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={load}>
            {t('common.refresh')}
          </Button>
        }
      >
        <Table<AgentLagView>
          size="small"
          rowKey="agentId"
          loading={lag === undefined && !error}
          dataSource={lag ?? []}
          pagination={false}
          locale={{ emptyText: t('live.agents.empty') }}
          onRow={(a) =>
            ({ 'data-testid': 'lag-row', 'data-agent-id': a.agentId, 'data-behind': String(a.behind) }) as React.HTMLAttributes<HTMLElement>
          }
          expandable={{
            rowExpandable: (a) => a.missing.length > 0,
            expandedRowRender: (a) => (
              <List
                size="small"
                dataSource={a.missing}
                renderItem={(c) => (
                  <List.Item>
                    <span className="mono">v{c.version}</span> {formats.dateTime(c.at)} {c.reason}{' '}
                    {c.revokes && <Tag color="red">{t('proof.revocationsTitle')}</Tag>}
                  </List.Item>
                )}
              />
            ),
          }}
          columns={[
            {
              key: 'agent',
              title: t('proof.agent'),
              render: (_, a) => <Badge status={a.online ? 'success' : 'error'} text={a.agentName} />,
            },
            {
              key: 'versions',
              title: t('proof.applied'),
              render: (_, a) => (
                <span className="mono">
                  v{a.appliedVersion ?? '—'} / v{a.currentVersion}
                </span>
              ),
            },
            {
              key: 'state',
              title: t('live.agents.status'),
              render: (_, a) =>
                a.hashMatches === false ? (
                  <Tag color="error">{t('proof.hashMismatch')}</Tag>
                ) : a.behind ? (
                  <Tag color="warning">{t('proof.behind')}</Tag>
                ) : (
                  <Tag color="success">{t('proof.inSync')}</Tag>
                ),
            },
            {
              key: 'missing',
              title: t('proof.missing'),
              render: (_, a) =>
                a.missingCount ? t('proof.missingCount', { count: a.missingCount, revocations: a.missingRevocations }) : t('common.none'),
            },
            {
              key: 'since',
              title: t('proof.behindSince'),
              render: (_, a) => (a.behindSince ? formats.dateTime(a.behindSince) : t('common.none')),
            },
          ]}
        />
      </Card>
      <Card size="small" className="list-card" title={t('proof.revocationsTitle')}>
        <Table<RevocationProofView>
          size="small"
          rowKey="version"
          loading={revocations === undefined && !error}
          dataSource={revocations ?? []}
          pagination={{ defaultPageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('common.noData') }}
          onRow={(r) =>
            ({
              'data-testid': 'revocation-row',
              'data-version': r.version,
              'data-complete': String(r.complete),
            }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            { key: 'version', title: t('proof.change'), width: 80, render: (_, r) => <span className="mono">v{r.version}</span> },
            { key: 'at', title: t('proof.clickAt'), render: (_, r) => formats.dateTime(r.at) },
            { key: 'actor', title: t('proof.actor'), render: (_, r) => r.actor?.name ?? t('common.none') },
            {
              key: 'reason',
              title: t('proof.reason'),
              render: (_, r) => <Typography.Text className="small-note">{r.reason}</Typography.Text>,
            },
            {
              key: 'agents',
              title: t('proof.confirmations'),
              render: (_, r) =>
                r.agents.map((a) => (
                  <Tooltip key={a.agentId} title={a.confirmedAt ? formats.dateTime(a.confirmedAt) : t('proof.agentPending')}>
                    <Tag color={a.confirmedAt ? 'success' : 'processing'}>
                      {a.agentName} {a.delayMs !== null ? seconds(a.delayMs) : '…'}
                    </Tag>
                  </Tooltip>
                )),
            },
            {
              key: 'delay',
              title: t('proof.delay'),
              render: (_, r) =>
                r.complete ? <Tag color="success">{seconds(r.delayMs ?? 0)}</Tag> : <Tag color="warning">{t('proof.pending')}</Tag>,
            },
          ]}
        />
      </Card>
    </div>
  );
}
