import { useMemo, useState } from 'react';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ALERT_SEVERITIES, ALERT_TYPES, type AlertSeverity, type AlertType } from '@acs/shared/api/alerts';
import {
  ATTACHMENT_MAX_BYTES,
  INCIDENT_CAUSES,
  INCIDENT_LEVELS,
  VIOLATION_LEVELS,
  type AlertRulesView,
  type IncidentDetailView,
  type IncidentLevel,
  type IncidentView,
  type ViolationLevel,
} from '@acs/shared/api/incidents';
import { useSignedInUser } from '../../auth/auth-context';
import { useAction } from '../../components/admin-kit';
import { useResetState } from '../../components/reset-state';
import { useDateFormatters } from '../../format/date-format';
import { RetentionTab } from './retention-tab';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { alertKeys, alertQueries, alertsApi } from '../../api/alerts';
import { incidentKeys, incidentQueries, incidentsApi } from '../../api/incidents';
import { useMutations } from '../../api/query';
import { downloadCsv } from '../../api/reports';
import { peopleQueries } from '../../api/people';
import { zoneQueries } from '../../api/zones';

const LEVEL_COLOR: Record<IncidentLevel, string> = { 1: 'blue', 2: 'orange', 3: 'red' };

/** Incidents with their timelines, violations, statistics and the alert rules. */
/** What a change to an incident or a violation can move: the lists, the open incident, the statistics. */
const INCIDENT_CHANGES = [incidentKeys.all, incidentKeys.violations];

export function IncidentsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const staff = user.role !== 'employee';
  const items = [
    { key: 'incidents', label: t('incidents.tabs.incidents'), children: <IncidentsTab /> },
    ...(user.role === 'admin' || user.role === 'auditor'
      ? [{ key: 'violations', label: t('incidents.tabs.violations'), children: <ViolationsTab /> }]
      : []),
    ...(staff ? [{ key: 'stats', label: t('incidents.tabs.stats'), children: <StatsTab /> }] : []),
    ...(staff ? [{ key: 'rules', label: t('incidents.tabs.rules'), children: <RulesTab /> }] : []),
    ...(user.role === 'admin' || user.role === 'auditor'
      ? [{ key: 'retention', label: t('incidents.tabs.retention'), children: <RetentionTab /> }]
      : []),
  ];
  return (
    <Card size="small" title={staff ? t('incidents.title') : t('incidents.mine')} data-testid="page-incidents">
      <Tabs items={items} destroyOnHidden />
    </Card>
  );
}

export function IncidentLevelTag({ level }: { level: IncidentLevel }) {
  const { t } = useTranslation();
  return <Tag color={LEVEL_COLOR[level]}>{t(`incidents.levels.${level}`)}</Tag>;
}

function IncidentsTab() {
  const { t } = useTranslation();
  const run = useAction();
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const list = useQuery(incidentQueries.list);
  const zones = useQuery(zoneQueries.list);
  const [open, setOpen] = useState<string | null>(() => new URLSearchParams(window.location.search).get('incident'));
  const [reporting, setReporting] = useState(false);
  const [form] = Form.useForm();
  const staff = user.role !== 'employee';
  const changes = useMutations(incidentsApi, INCIDENT_CHANGES);
  const report = async (values: {
    title: string;
    description: string;
    level?: IncidentLevel;
    cause?: (typeof INCIDENT_CAUSES)[number];
    zoneId?: string;
  }) => {
    const created = await run(() => changes.report(values), t('incidents.reported'));
    if (created) {
      setReporting(false);
      form.resetFields();
      setOpen(created.id);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {user.role !== 'auditor' && (
        <Button type="primary" onClick={() => setReporting(true)} data-testid="incident-report">
          {t('incidents.report')}
        </Button>
      )}
      <Table<IncidentView>
        rowKey="id"
        size="small"
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50 }}
        onRow={(i) =>
          ({
            onClick: () => setOpen(i.id),
            style: { cursor: 'pointer' },
            'data-testid': 'incident-row',
            'data-status': i.status,
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { key: 'number', title: t('incidents.number'), render: (_, i) => <Typography.Text code>{i.number}</Typography.Text> },
          { key: 'level', title: t('incidents.level'), render: (_, i) => <IncidentLevelTag level={i.level} /> },
          { key: 'title', title: t('incidents.titleField'), render: (_, i) => i.title },
          {
            key: 'status',
            title: t('incidents.status'),
            render: (_, i) => <Tag color={i.status === 'closed' ? 'default' : 'gold'}>{t(`incidents.statuses.${i.status}`)}</Tag>,
          },
          { key: 'owner', title: t('incidents.owner'), render: (_, i) => i.owner?.name ?? t('incidents.none') },
          { key: 'created', title: t('incidents.created'), render: (_, i) => formats.dateTime(i.createdAt) },
          ...(staff
            ? []
            : [{ key: 'feedback', title: t('incidents.feedbackLabel'), render: (_: unknown, i: IncidentView) => i.feedback ?? '' }]),
        ]}
      />
      <Modal open={reporting} title={t('incidents.reportTitle')} onCancel={() => setReporting(false)} footer={null} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={report} initialValues={{ level: 1 }}>
          <Form.Item name="title" label={t('incidents.titleField')} rules={[{ required: true, whitespace: true }]}>
            <Input autoFocus data-testid="incident-title" />
          </Form.Item>
          <Form.Item name="description" label={t('incidents.description')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={4} data-testid="incident-description" />
          </Form.Item>
          {staff && (
            <Form.Item name="level" label={t('incidents.level')}>
              <Select options={INCIDENT_LEVELS.map((l) => ({ value: l, label: t(`incidents.levels.${l}`) }))} />
            </Form.Item>
          )}
          <Form.Item name="cause" label={t('incidents.cause')}>
            <Select allowClear options={INCIDENT_CAUSES.map((c) => ({ value: c, label: t(`incidents.causes.${c}`) }))} />
          </Form.Item>
          <Form.Item name="zoneId" label={t('incidents.zone')}>
            <Select allowClear options={(zones.data ?? []).map((z) => ({ value: z.id, label: z.name }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block data-testid="incident-report-submit">
            {t('incidents.report')}
          </Button>
        </Form>
      </Modal>
      {open && <IncidentDrawer incidentId={open} onClose={() => setOpen(null)} />}
    </Space>
  );
}

/** What the file picker offers; the server decides by the content, whatever the name says. */
const ATTACHMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.webp,.txt,application/pdf,image/png,image/jpeg,image/webp,text/plain';

function IncidentDrawer({ incidentId, onClose }: { incidentId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const run = useAction();
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const queryClient = useQueryClient();
  const changes = useMutations(incidentsApi, INCIDENT_CHANGES);
  const incident = useQuery(incidentQueries.detail(incidentId)).data ?? null;
  // The answer to a change is the incident as it is now: shown at once, before the refetch.
  const setIncident = (next: IncidentDetailView) => queryClient.setQueryData(incidentKeys.detail(incidentId), next);
  const [note, setNote] = useState('');
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [closing, setClosing] = useState(false);
  const [violating, setViolating] = useState(false);
  if (!incident) return null;
  const operator = user.role === 'admin' || user.role === 'guard';
  const canClose = operator && incident.status !== 'closed' && (incident.level < 3 || user.role === 'admin');
  const apply = async (work: () => Promise<IncidentDetailView>, success?: string) => {
    const next = await run(work, success);
    if (next) setIncident(next);
    return next;
  };
  // The file is sent as it is (multipart); the server checks the type by content. The size is
  // checked here too so that a guard learns it before the upload, not after it.
  const pickFile = (f: File) => {
    if (f.size > ATTACHMENT_MAX_BYTES)
      message.error({ content: t('incidents.attachmentTooLarge', { size: (f.size / 1024 / 1024).toFixed(1) }), className: 'action-error' });
    else setFile(f);
    return false;
  };
  return (
    <Drawer
      open
      width={720}
      title={`${incident.number} · ${incident.title}`}
      onClose={onClose}
      data-testid="incident-drawer"
      data-status={incident.status}
    >
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('incidents.level')}>
          <IncidentLevelTag level={incident.level} />
        </Descriptions.Item>
        <Descriptions.Item label={t('incidents.status')}>
          <Tag data-testid="incident-status">{t(`incidents.statuses.${incident.status}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('incidents.owner')}>{incident.owner?.name ?? t('incidents.none')}</Descriptions.Item>
        <Descriptions.Item label={t('incidents.reporter')}>{incident.reporter?.name ?? t('incidents.none')}</Descriptions.Item>
        <Descriptions.Item label={t('incidents.cause')}>
          {incident.cause ? t(`incidents.causes.${incident.cause}`) : t('incidents.none')}
        </Descriptions.Item>
        <Descriptions.Item label={t('incidents.zone')}>{incident.zoneId ?? t('incidents.none')}</Descriptions.Item>
        <Descriptions.Item label={t('incidents.description')} span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{incident.description}</Typography.Paragraph>
        </Descriptions.Item>
        {incident.outcome && (
          <Descriptions.Item label={t('incidents.outcome')} span={2}>
            {incident.outcome}
          </Descriptions.Item>
        )}
        {incident.correctiveActions && (
          <Descriptions.Item label={t('incidents.correctiveActions')} span={2}>
            {incident.correctiveActions}
          </Descriptions.Item>
        )}
        {incident.feedback && (
          <Descriptions.Item label={t('incidents.feedback')} span={2}>
            {incident.feedback}
          </Descriptions.Item>
        )}
      </Descriptions>
      {operator && incident.status !== 'closed' && (
        <Space style={{ marginTop: 12 }} wrap>
          {incident.status === 'open' && (
            <Button
              onClick={() => apply(() => changes.update(incident.id, { status: 'investigating' }))}
              data-testid="incident-investigate"
            >
              {t('incidents.investigate')}
            </Button>
          )}
          {incident.owner?.id !== user.id && (
            <Button onClick={() => apply(() => changes.update(incident.id, { ownerUserId: user.id }))}>
              {t('incidents.takeOwnership')}
            </Button>
          )}
          <Select<IncidentLevel>
            value={incident.level}
            style={{ width: 150 }}
            onChange={(level) => apply(() => changes.update(incident.id, { level }))}
            options={INCIDENT_LEVELS.map((l) => ({ value: l, label: t(`incidents.levels.${l}`) }))}
          />
          <Button onClick={() => setViolating(true)}>{t('incidents.recordViolation')}</Button>
          <Button
            type="primary"
            danger
            disabled={!canClose}
            title={canClose ? undefined : t('incidents.level3Manager')}
            onClick={() => setClosing(true)}
            data-testid="incident-close"
          >
            {t('incidents.close')}
          </Button>
        </Space>
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('incidents.timeline')}
      </Typography.Title>
      <Timeline
        items={incident.entries.map((e) => ({
          color: e.kind === 'closed' ? 'green' : e.kind === 'alert' ? 'red' : 'blue',
          children: (
            <div data-testid="incident-entry" data-kind={e.kind}>
              <Typography.Text type="secondary">
                {formats.dateTime(e.at)} · {t(`incidents.entryKinds.${e.kind}`)} · {e.actor ?? ''}
              </Typography.Text>
              <div style={{ whiteSpace: 'pre-wrap' }}>{e.text}</div>
              {e.attachment && (
                <Button
                  size="small"
                  icon={<PaperClipOutlined />}
                  onClick={() => run(() => downloadCsv(`/api/incidents/${incident.id}/attachments/${e.id}`, e.attachment!.name))}
                >
                  {e.attachment.name} ({Math.ceil(e.attachment.size / 1024)} KiB)
                </Button>
              )}
            </div>
          ),
        }))}
      />
      {incident.violations.length > 0 && (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={incident.violations}
          columns={[
            { key: 'person', title: t('incidents.person'), render: (_, v) => v.personName },
            { key: 'level', title: t('incidents.violationLevel'), render: (_, v) => t(`incidents.violationLevels.${v.level}`) },
            { key: 'description', title: t('incidents.description'), render: (_, v) => v.description },
          ]}
        />
      )}
      {incident.status !== 'closed' && user.role !== 'auditor' && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 12 }}>
          <Input.TextArea
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('incidents.addNote')}
            data-testid="incident-note"
          />
          <Space>
            <Upload
              beforeUpload={pickFile}
              accept={ATTACHMENT_ACCEPT}
              maxCount={1}
              fileList={file ? [{ uid: 'attachment', name: file.name, status: 'done' }] : []}
              onRemove={() => setFile(null)}
            >
              <Button icon={<PaperClipOutlined />} title={t('incidents.attachmentTypes')}>
                {t('incidents.attachFile')}
              </Button>
            </Upload>
            <Button
              disabled={!note.trim()}
              onClick={async () => {
                if (await apply(() => changes.note(incident.id, note, file ?? undefined))) {
                  setNote('');
                  setFile(null);
                }
              }}
              data-testid="incident-note-submit"
            >
              {t('incidents.addNote')}
            </Button>
          </Space>
        </Space>
      )}
      {closing && (
        <CloseDialog
          incident={incident}
          onClose={() => setClosing(false)}
          onDone={(next) => {
            setIncident(next);
            setClosing(false);
          }}
        />
      )}
      {violating && <ViolationDialog incidentId={incident.id} onClose={() => setViolating(false)} />}
    </Drawer>
  );
}

function CloseDialog({
  incident,
  onClose,
  onDone,
}: {
  incident: IncidentDetailView;
  onClose: () => void;
  onDone: (next: IncidentDetailView) => void;
}) {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(incidentsApi, INCIDENT_CHANGES);
  const submit = async (values: { outcome: string; correctiveActions: string; feedback: string }) => {
    const next = await run(() => changes.close(incident.id, values), t('incidents.closed'));
    if (next) onDone(next);
  };
  return (
    <Modal open title={t('incidents.closeTitle', { number: incident.number })} onCancel={onClose} footer={null} destroyOnHidden>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="outcome" label={t('incidents.outcome')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} data-testid="close-outcome" />
        </Form.Item>
        <Form.Item name="correctiveActions" label={t('incidents.correctiveActions')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} data-testid="close-actions" />
        </Form.Item>
        <Form.Item name="feedback" label={t('incidents.feedback')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={2} data-testid="close-feedback" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block data-testid="close-submit">
          {t('incidents.close')}
        </Button>
      </Form>
    </Modal>
  );
}

function ViolationDialog({ incidentId, onClose }: { incidentId?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(incidentsApi, INCIDENT_CHANGES);
  const people = useQuery(peopleQueries.list);
  const submit = async (values: { personId: string; level: ViolationLevel; description: string }) => {
    if (await run(() => changes.recordViolation({ ...values, ...(incidentId ? { incidentId } : {}) }), t('incidents.violationRecorded')))
      onClose();
  };
  return (
    <Modal open title={t('incidents.recordViolation')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form layout="vertical" onFinish={submit} initialValues={{ level: 1 }}>
        <Form.Item name="personId" label={t('incidents.person')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))} />
        </Form.Item>
        <Form.Item name="level" label={t('incidents.violationLevel')}>
          <Select options={VIOLATION_LEVELS.map((l) => ({ value: l, label: t(`incidents.violationLevels.${l}`) }))} />
        </Form.Item>
        <Form.Item name="description" label={t('incidents.description')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          {t('incidents.recordViolation')}
        </Button>
      </Form>
    </Modal>
  );
}

function ViolationsTab() {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const people = useQuery(peopleQueries.list);
  const [personId, setPersonId] = useState<string | undefined>();
  const rows = useQuery(incidentQueries.violations(personId)).data ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        style={{ width: 260 }}
        placeholder={t('incidents.filterPerson')}
        value={personId}
        onChange={setPersonId}
        options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
      />
      <Table
        size="small"
        rowKey="id"
        dataSource={rows}
        columns={[
          { key: 'when', title: t('incidents.when'), render: (_, v) => formats.dateTime(v.at) },
          { key: 'person', title: t('incidents.person'), render: (_, v) => v.personName },
          { key: 'level', title: t('incidents.violationLevel'), render: (_, v) => t(`incidents.violationLevels.${v.level}`) },
          { key: 'description', title: t('incidents.description'), render: (_, v) => v.description },
          { key: 'incident', title: t('incidents.number'), render: (_, v) => v.incidentNumber ?? '' },
          { key: 'by', title: t('incidents.recordedBy'), render: (_, v) => v.recordedBy ?? '' },
        ]}
      />
    </Space>
  );
}

function StatsTab() {
  const { t } = useTranslation();
  // The period ends when it is chosen, not at each render.
  const [{ days, to }, setPeriod] = useState(() => ({ days: 365, to: Date.now() }));
  const chooseDays = (chosen: number) => {
    if (chosen !== days) setPeriod({ days: chosen, to: Date.now() });
  };
  const stats = useQuery(incidentQueries.stats(to - days * 86_400_000, to)).data ?? null;
  const minutes = (ms: number | null) => (ms === null ? t('incidents.none') : t('incidents.minutes', { value: (ms / 60_000).toFixed(1) }));
  const table = (title: string, data: Record<string, number>, label: (key: string) => string) => (
    <Card size="small" title={title}>
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={Object.entries(data).map(([key, count]) => ({ key, count }))}
        columns={[
          { key: 'k', render: (_, r) => label(r.key) },
          { key: 'c', render: (_, r) => r.count, align: 'right' },
        ]}
        showHeader={false}
      />
    </Card>
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="incident-stats">
      <Space>
        <InputNumber min={1} max={3650} value={days} onChange={(v) => chooseDays(Number(v) || 365)} addonAfter="d" />
      </Space>
      {stats && (
        <>
          <Row gutter={16}>
            <Col span={8}>
              <Statistic title={t('incidents.total')} value={stats.total} />
            </Col>
            <Col span={8}>
              <Statistic title={t('incidents.mtta')} value={minutes(stats.meanTimeToAcknowledgeMs)} />
            </Col>
            <Col span={8}>
              <Statistic title={t('incidents.mttc')} value={minutes(stats.meanTimeToCloseMs)} />
            </Col>
          </Row>
          <Row gutter={16}>
            <Col span={6}>{table(t('incidents.byLevel'), stats.byLevel, (k) => t(`incidents.levels.${k as '1' | '2' | '3'}`))}</Col>
            <Col span={6}>
              {table(t('incidents.byCause'), stats.byCause, (k) =>
                (INCIDENT_CAUSES as readonly string[]).includes(k) ? t(`incidents.causes.${k as (typeof INCIDENT_CAUSES)[number]}`) : k,
              )}
            </Col>
            <Col span={6}>{table(t('incidents.byZone'), stats.byZone, (k) => k)}</Col>
            <Col span={6}>{table(t('incidents.byMonth'), stats.byMonth, (k) => k)}</Col>
          </Row>
        </>
      )}
    </Space>
  );
}

function RulesTab() {
  const { t } = useTranslation();
  const run = useAction();
  const user = useSignedInUser();
  const rules = useQuery(alertQueries.rules);
  const alertChanges = useMutations(alertsApi, [alertKeys.rules]);
  // Edits start over from the rules each time they are loaded.
  const [draft, setDraft] = useResetState<AlertRulesView | null>(() => rules.data ?? null, [rules.data]);
  const [newLevel, setNewLevel] = useState<'0' | '1' | '2' | '3'>('3');
  const rows = useMemo(() => {
    if (!draft) return [];
    const out: Array<{ key: string; level: '0' | '1' | '2' | '3'; type: AlertType; value: AlertSeverity | 'off' }> = [];
    for (const level of ['0', '1', '2', '3'] as const)
      for (const [type, value] of Object.entries(draft.levels[level] ?? {}))
        out.push({ key: `${level}:${type}`, level, type: type as AlertType, value: value });
    return out;
  }, [draft]);
  if (!draft) return null;
  const admin = user.role === 'admin';
  const set = (patch: Partial<AlertRulesView>) => setDraft({ ...draft, ...patch });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={5}>{t('incidents.rulesTitle')}</Typography.Title>
      <Space wrap>
        <span>{t('incidents.escalateAfter')}</span>
        <InputNumber
          disabled={!admin}
          min={10}
          max={86400}
          value={draft.escalateAfterSeconds}
          onChange={(v) => set({ escalateAfterSeconds: Number(v) })}
          data-testid="rules-escalate"
        />
        <span>{t('incidents.escalateSeverities')}</span>
        <Select
          disabled={!admin}
          mode="multiple"
          style={{ minWidth: 200 }}
          value={draft.escalateSeverities}
          onChange={(v) => set({ escalateSeverities: v })}
          options={ALERT_SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) }))}
        />
      </Space>
      <Space wrap>
        <span>{t('incidents.repeatedCount')}</span>
        <InputNumber
          disabled={!admin}
          min={2}
          max={100}
          value={draft.repeatedDenials.count}
          onChange={(v) => set({ repeatedDenials: { ...draft.repeatedDenials, count: Number(v) } })}
        />
        <span>{t('incidents.repeatedWindow')}</span>
        <InputNumber
          disabled={!admin}
          min={5}
          max={3600}
          value={draft.repeatedDenials.windowSeconds}
          onChange={(v) => set({ repeatedDenials: { ...draft.repeatedDenials, windowSeconds: Number(v) } })}
        />
        <span>{t('incidents.syncLag')}</span>
        <InputNumber
          disabled={!admin}
          min={10}
          max={86400}
          value={draft.syncLagSeconds}
          onChange={(v) => set({ syncLagSeconds: Number(v) })}
        />
        <span>{t('incidents.clockDrift')}</span>
        <InputNumber
          disabled={!admin}
          min={1}
          max={86400}
          value={draft.clockDriftSeconds}
          onChange={(v) => set({ clockDriftSeconds: Number(v) })}
        />
      </Space>
      <Typography.Text strong>{t('incidents.perLevel')}</Typography.Text>
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={rows}
        columns={[
          { key: 'level', title: t('incidents.levelColumn'), render: (_, r) => `L${r.level}` },
          { key: 'type', title: t('incidents.alertType'), render: (_, r) => t(`alerts.typeName.${r.type}`) },
          {
            key: 'value',
            title: t('incidents.severityColumn'),
            render: (_, r) => (
              <Select
                disabled={!admin}
                style={{ width: 140 }}
                value={r.value}
                onChange={(value) => set({ levels: { ...draft.levels, [r.level]: { ...draft.levels[r.level], [r.type]: value } } })}
                options={[
                  ...ALERT_SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) })),
                  { value: 'off', label: t('incidents.off') },
                ]}
              />
            ),
          },
        ]}
      />
      {admin && (
        <Space>
          <Select
            style={{ width: 90 }}
            value={newLevel}
            onChange={setNewLevel}
            options={(['0', '1', '2', '3'] as const).map((l) => ({ value: l, label: `L${l}` }))}
          />
          <Select
            style={{ width: 260 }}
            placeholder={t('incidents.alertType')}
            options={ALERT_TYPES.map((type) => ({ value: type, label: t(`alerts.typeName.${type}`) }))}
            onChange={(type: AlertType) =>
              set({ levels: { ...draft.levels, [newLevel]: { ...draft.levels[newLevel], [type]: 'critical' } } })
            }
            value={null}
          />
          <Button type="primary" onClick={() => run(() => alertChanges.updateRules(draft), t('incidents.saved'))} data-testid="rules-save">
            {t('incidents.save')}
          </Button>
        </Space>
      )}
    </Space>
  );
}
