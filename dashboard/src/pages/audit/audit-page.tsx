import { useState, type HTMLAttributes } from 'react';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { FileZipOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView } from '@acs/shared/api/audit';
import { type AuditFilters, auditApi, auditKeys, auditQueries } from '../../api/audit';
import { useDateFormatters } from '../../format/date-format';
import { downloadCsv } from '../../api/reports';
import { useAction } from '../../components/admin-kit';
import type { Messages } from '../../i18n/messages';
import { AuditDiff } from './audit-diff';

type Filters = AuditFilters;

const PAGE_SIZE = 50;

const ACTION_LABELS: Partial<Record<string, keyof Messages['auditAction']>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  'auth.sign_in': 'auth_sign_in',
  'auth.sign_in_failed': 'auth_sign_in_failed',
  'auth.sign_out': 'auth_sign_out',
  'reader.provisioning_window': 'reader_provisioning_window',
  'reader.key_install': 'reader_key_install',
  'reader.key_rotate': 'reader_key_rotate',
  'reader.operation_done': 'reader_operation_done',
  'reader.operation_failed': 'reader_operation_failed',
};

const ENTITY_LABELS: Partial<Record<string, keyof Messages['auditEntity']>> = {
  people: 'people',
  cards: 'cards',
  grants: 'grants',
  zones: 'zones',
  doors: 'doors',
  schedules: 'schedules',
  agents: 'agents',
  users: 'users',
  site_settings: 'site_settings',
  readers: 'readers',
};

function clean(filters: Filters): Filters {
  return Object.fromEntries(
    Object.entries(filters)
      .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
      .map(([k, v]) => [k, String(v).trim()]),
  );
}

/** Admins and auditors read the append-only audit log and check its hash chain. */
export function AuditPage() {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const queryClient = useQueryClient();
  // The entries of the last filters stay on screen until the new ones arrive.
  const log = useInfiniteQuery({ ...auditQueries.pages(filters, PAGE_SIZE), placeholderData: keepPreviousData });
  const entries: AuditEntryView[] = log.data?.pages.flatMap((page) => page.items) ?? [];
  const next = log.hasNextPage;
  const loading = log.isFetching;
  const error = log.error ? log.error.message : null;
  // A reload starts again from the newest page, as the first load did.
  const reload = () => void queryClient.resetQueries({ queryKey: auditKeys.pages(filters), exact: true });

  const verification = useMutation({ mutationFn: auditApi.verify });
  const verify = {
    running: verification.isPending,
    result: verification.data ?? null,
    error: verification.error ? verification.error.message : null,
  };
  const runVerify = () => verification.mutate();

  // Actions and record types are stable codes: known ones are translated, others shown as they are.
  const actionLabel = (action: string): string => {
    const key = ACTION_LABELS[action];
    return key ? t(`auditAction.${key}`) : action;
  };
  const entityLabel = (type: string | null): string => {
    if (!type) return t('common.none');
    const key = ENTITY_LABELS[type];
    return key ? t(`auditEntity.${key}`) : type;
  };

  const columns: ColumnsType<AuditEntryView> = [
    { key: 'seq', title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    { key: 'at', title: t('audit.time'), width: 190, render: (_, e) => formats.dateTime(e.at) },
    {
      key: 'actor',
      title: t('audit.actor'),
      render: (_, e) =>
        e.actorUsername ? (
          <Space size={4}>
            <span>{e.actorUsername}</span>
            {e.actorRole && <Tag>{t(`role.${e.actorRole}`)}</Tag>}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t(`auditSource.${e.source}`)}</Typography.Text>
        ),
    },
    {
      key: 'action',
      title: t('audit.action'),
      width: 150,
      render: (_, e) => (
        <Tag color={e.action === 'delete' || e.action.endsWith('failed') ? 'red' : e.action === 'create' ? 'green' : 'blue'}>
          {actionLabel(e.action)}
        </Tag>
      ),
    },
    {
      key: 'entity',
      title: t('audit.entity'),
      render: (_, e) => (
        <span>
          {entityLabel(e.entityType)}
          {e.entityId && (
            <Typography.Text type="secondary" className="mono audit-entity-id">
              {' '}
              {e.entityId}
            </Typography.Text>
          )}
        </span>
      ),
    },
    { key: 'ip', title: t('audit.ip'), width: 130, render: (_, e) => e.ip ?? t('common.none') },
  ];

  const result = verify.result;
  return (
    <Card
      size="small"
      className="list-card"
      data-testid="page-audit"
      title={
        <span>
          {t('audit.title')}
          <Typography.Text type="secondary" className="list-count">
            {t('audit.loaded', { count: entries.length })}
          </Typography.Text>
        </span>
      }
      extra={
        <Space>
          <EvidencePackButton />
          <Button icon={<SafetyCertificateOutlined />} onClick={runVerify} loading={verify.running} data-testid="audit-verify">
            {t('audit.verify')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading && entries.length > 0}>
            {t('common.refresh')}
          </Button>
        </Space>
      }
    >
      {result && (
        <Alert
          className="live-alert"
          showIcon
          type={result.ok ? 'success' : 'error'}
          data-testid="audit-verify-result"
          data-ok={String(result.ok)}
          data-first-bad-seq={result.firstBadSeq ?? ''}
          title={
            result.ok
              ? t('audit.verifyOk', { checked: result.checked })
              : t('audit.verifyFailed', { seq: result.firstBadSeq ?? '?', checked: result.checked })
          }
          description={result.ok ? undefined : result.reason}
        />
      )}
      {verify.error && <Alert className="live-alert" showIcon type="error" title={t('common.loadFailed', { message: verify.error })} />}
      {error && <Alert className="live-alert" showIcon type="error" title={t('common.loadFailed', { message: error })} />}
      <Form form={form} layout="inline" className="audit-filters" onFinish={(values) => setFilters(clean(values))}>
        <Form.Item name="entityType">
          <Input placeholder={t('audit.filterEntityType')} allowClear data-testid="audit-filter-entity-type" />
        </Form.Item>
        <Form.Item name="entityId">
          <Input placeholder={t('audit.filterEntityId')} allowClear data-testid="audit-filter-entity-id" />
        </Form.Item>
        <Form.Item name="actor">
          <Input placeholder={t('audit.filterActor')} allowClear data-testid="audit-filter-actor" />
        </Form.Item>
        <Form.Item name="action">
          <Input placeholder={t('audit.filterAction')} allowClear data-testid="audit-filter-action" />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" data-testid="audit-filter-apply">
              {t('audit.apply')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
              }}
            >
              {t('audit.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <Table<AuditEntryView>
        size="small"
        rowKey="seq"
        columns={columns}
        dataSource={entries}
        loading={loading && entries.length === 0}
        pagination={false}
        locale={{ emptyText: t('common.noData') }}
        expandable={{
          expandedRowRender: (entry) => (
            <div className="audit-detail">
              <Descriptions size="small" column={2} className="audit-meta">
                <Descriptions.Item label={t('audit.source')}>{t(`auditSource.${entry.source}`)}</Descriptions.Item>
                <Descriptions.Item label={t('audit.requestId')}>
                  <span className="mono">{entry.requestId ?? t('common.none')}</span>
                </Descriptions.Item>
                {entry.detail && <Descriptions.Item label={t('audit.detail')}>{entry.detail}</Descriptions.Item>}
                <Descriptions.Item label={t('audit.hash')}>
                  <span className="mono">{entry.hash.slice(0, 16)}…</span>
                </Descriptions.Item>
              </Descriptions>
              <AuditDiff entry={entry} />
            </div>
          ),
        }}
        onRow={(e) =>
          ({
            'data-testid': 'audit-row',
            'data-seq': e.seq,
            'data-action': e.action,
            'data-entity-type': e.entityType ?? '',
          }) as HTMLAttributes<HTMLElement>
        }
      />
      {next && (
        <div className="audit-more">
          <Button onClick={() => void log.fetchNextPage()} loading={loading} data-testid="audit-load-more">
            {t('audit.loadMore')}
          </Button>
        </div>
      )}
    </Card>
  );
}

/** ISO/IEC 27001:2022 evidence pack for a period (default: the last 365 days), downloaded as a zip. */
function EvidencePackButton() {
  const { t } = useTranslation();
  const run = useAction();
  const [days, setDays] = useState(365);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    const to = Date.now();
    await run(() => downloadCsv(`/api/evidence-pack?from=${to - days * 86_400_000}&to=${to}`, `iso27001-evidence-${days}d.zip`));
    setBusy(false);
  };
  return (
    <Space.Compact>
      <InputNumber
        min={1}
        max={1095}
        value={days}
        onChange={(v) => setDays(Number(v) || 365)}
        addonAfter={t('audit.evidenceDays')}
        style={{ width: 130 }}
      />
      <Button icon={<FileZipOutlined />} onClick={download} loading={busy} data-testid="evidence-pack">
        {t('audit.evidencePack')}
      </Button>
    </Space.Compact>
  );
}
