import { useMemo, useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Form, Input, Modal, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  DATA_HANDLING,
  EQUIPMENT_KINDS,
  GATE_PASS_TYPES,
  type CheckpointDecision,
  type DataHandling,
  type EquipmentView,
  type GatePassView,
  type SealView,
} from '@acs/shared/api/equipment';
import { useSignedInUser } from '../../auth/auth-context';
import { useAction } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { snapshotDescription } from '../../format/labels';
import { useLiveQuery } from '../../realtime/live-query';
import { useQuery } from '@tanstack/react-query';
import { EQUIPMENT_CHANGES, equipmentApi, equipmentKeys, equipmentQueries, listGatePasses } from '../../api/equipment';
import { useMutations } from '../../api/query';
import { peopleQueries } from '../../api/people';
import { zoneQueries } from '../../api/zones';

/** Register, gate passes, the checkpoint, seals, media checks and the movement log. */
export function EquipmentPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const staff = user.role !== 'employee';
  const counter = user.role === 'admin' || user.role === 'guard';
  const items = [
    { key: 'passes', label: t('equipment.passes'), children: <PassesTab /> },
    ...(counter ? [{ key: 'checkpoint', label: t('equipment.checkpoint'), children: <CheckpointTab /> }] : []),
    { key: 'register', label: t('equipment.register'), children: <RegisterTab /> },
    ...(staff ? [{ key: 'seals', label: t('equipment.seals'), children: <SealsTab /> }] : []),
    ...(counter ? [{ key: 'media', label: t('equipment.media'), children: <MediaTab /> }] : []),
    ...(staff ? [{ key: 'movements', label: t('equipment.movements'), children: <MovementsTab /> }] : []),
  ];
  return (
    <Card size="small" title={t('equipment.title')} data-testid="page-equipment">
      <Tabs items={items} destroyOnHidden />
    </Card>
  );
}

function RegisterTab() {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const user = useSignedInUser();
  const list = useQuery(equipmentQueries.list);
  const zones = useQuery(zoneQueries.list);
  const [form] = Form.useForm();
  const [returning, setReturning] = useState<EquipmentView | null>(null);
  const counter = user.role === 'admin' || user.role === 'guard';
  const add = async (values: {
    assetTag: string;
    kind: (typeof EQUIPMENT_KINDS)[number];
    description: string;
    serial?: string;
    homeZoneId?: string;
    storesData?: boolean;
  }) => {
    if (await run(() => changes.register(values), t('equipment.added'))) form.resetFields();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {counter && (
        <Form form={form} layout="inline" onFinish={add} initialValues={{ kind: 'equipment' }}>
          <Form.Item name="assetTag" rules={[{ required: true }]}>
            <Input placeholder={t('equipment.assetTag')} data-testid="equipment-tag" />
          </Form.Item>
          <Form.Item name="kind">
            <Select style={{ width: 150 }} options={EQUIPMENT_KINDS.map((k) => ({ value: k, label: t(`equipment.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="description" rules={[{ required: true, whitespace: true }]}>
            <Input placeholder={t('equipment.description')} data-testid="equipment-description" />
          </Form.Item>
          <Form.Item name="serial">
            <Input placeholder={t('equipment.serial')} />
          </Form.Item>
          <Form.Item name="homeZoneId">
            <Select
              allowClear
              style={{ width: 160 }}
              placeholder={t('equipment.homeZone')}
              options={(zones.data ?? []).map((z) => ({ value: z.id, label: z.name }))}
            />
          </Form.Item>
          <Form.Item name="storesData" valuePropName="checked">
            <Checkbox>{t('equipment.storesData')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="equipment-add">
            {t('equipment.add')}
          </Button>
        </Form>
      )}
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          {
            key: 'tag',
            title: t('equipment.assetTag'),
            render: (_, e: EquipmentView) => <Typography.Text code>{e.assetTag}</Typography.Text>,
          },
          { key: 'kind', title: t('equipment.kind'), render: (_, e: EquipmentView) => t(`equipment.kinds.${e.kind}`) },
          {
            key: 'description',
            title: t('equipment.description'),
            render: (_, e: EquipmentView) => `${e.description}${e.serial ? ` (${e.serial})` : ''}`,
          },
          { key: 'owner', title: t('equipment.owner'), render: (_, e: EquipmentView) => e.ownerName ?? '' },
          { key: 'zone', title: t('equipment.homeZone'), render: (_, e: EquipmentView) => e.homeZoneId ?? '' },
          { key: 'data', title: t('equipment.storesData'), render: (_, e: EquipmentView) => (e.storesData ? '✓' : '') },
          {
            key: 'status',
            title: t('equipment.status'),
            render: (_, e: EquipmentView) => (
              <Space>
                <Tag
                  color={e.status === 'in_service' ? 'green' : e.status === 'awaiting_check' ? 'orange' : 'default'}
                  data-testid="equipment-status"
                >
                  {t(`equipment.statuses.${e.status}`)}
                </Tag>
                {counter && e.status === 'awaiting_check' && (
                  <Button size="small" onClick={() => setReturning(e)}>
                    {t('equipment.returnToService')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {returning && <ReturnDialog item={returning} onClose={() => setReturning(null)} />}
    </Space>
  );
}

function ReturnDialog({ item, onClose }: { item: EquipmentView; onClose: () => void }) {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const [check, setCheck] = useState<'intact' | 'tamper_free'>('tamper_free');
  const [note, setNote] = useState('');
  return (
    <Modal
      open
      title={`${t('equipment.returnToService')}: ${item.assetTag}`}
      onCancel={onClose}
      onOk={async () => (await run(() => changes.returnToService(item.id, check, note))) && onClose()}
    >
      <Radio.Group value={check} onChange={(e) => setCheck(e.target.value as typeof check)}>
        <Radio value="intact">{t('equipment.checkIntact')}</Radio>
        <Radio value="tamper_free">{t('equipment.checkTamper')}</Radio>
      </Radio.Group>
      <Input.TextArea style={{ marginTop: 8 }} placeholder={t('equipment.note')} value={note} onChange={(e) => setNote(e.target.value)} />
    </Modal>
  );
}

function PassesTab() {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const list = useLiveQuery({ queryKey: equipmentKeys.passes, snapshot: listGatePasses, on: { 'gate-pass:v1': 'refetch' } });
  const [form] = Form.useForm();
  const type = Form.useWatch('type', form) as string | undefined;
  const [handling, setHandling] = useState<GatePassView | null>(null);
  const request = async (values: {
    assetTag: string;
    type: (typeof GATE_PASS_TYPES)[number];
    reason: string;
    expectedReturnAt?: { valueOf(): number };
  }) => {
    const created = await run(
      () =>
        changes.requestPass({
          assetTag: values.assetTag,
          type: values.type,
          reason: values.reason,
          ...(values.expectedReturnAt ? { expectedReturnAt: values.expectedReturnAt.valueOf() } : {}),
        }),
      t('equipment.requested'),
    );
    if (created) form.resetFields();
  };
  const decide = async (pass: GatePassView, decision: 'approved' | 'rejected') => {
    await run(() => changes.decidePass(pass.id, decision));
  };
  const returnable = type === 'returnable' || type === 'repair';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {user.role !== 'auditor' && (
        <Form form={form} layout="inline" onFinish={request} initialValues={{ type: 'returnable' }} data-testid="pass-form">
          <Form.Item name="assetTag" rules={[{ required: true }]}>
            <Input placeholder={t('equipment.assetTag')} data-testid="pass-tag" />
          </Form.Item>
          <Form.Item name="type">
            <Select
              style={{ width: 140 }}
              options={GATE_PASS_TYPES.map((k) => ({ value: k, label: t(`equipment.passTypes.${k}`) }))}
              data-testid="pass-type"
            />
          </Form.Item>
          <Form.Item name="reason" rules={[{ required: true, whitespace: true }]}>
            <Input placeholder={t('equipment.reason')} data-testid="pass-reason" />
          </Form.Item>
          {returnable && (
            <Form.Item name="expectedReturnAt" rules={[{ required: true }]}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                placeholder={t('equipment.expectedReturn')}
                data-testid="pass-return"
              />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" data-testid="pass-submit">
            {t('equipment.requestPass')}
          </Button>
        </Form>
      )}
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          {
            key: 'number',
            title: t('equipment.passNumber'),
            render: (_, p: GatePassView) => (
              <Typography.Text code data-testid="pass-number">
                {p.number}
              </Typography.Text>
            ),
          },
          { key: 'item', title: t('equipment.assetTag'), render: (_, p: GatePassView) => `${p.assetTag} · ${p.equipmentDescription}` },
          { key: 'type', title: t('equipment.passType'), render: (_, p: GatePassView) => t(`equipment.passTypes.${p.type}`) },
          { key: 'reason', title: t('equipment.reason'), render: (_, p: GatePassView) => p.reason },
          {
            key: 'by',
            title: t('equipment.requestedBy'),
            render: (_, p: GatePassView) => `${p.requestedBy ?? ''}${p.approvedBy ? ` → ${p.approvedBy}` : ''}`,
          },
          {
            key: 'return',
            title: t('equipment.expectedReturn'),
            render: (_, p: GatePassView) => (p.expectedReturnAt ? formats.dateTime(p.expectedReturnAt) : ''),
          },
          {
            key: 'status',
            title: t('equipment.status'),
            render: (_, p: GatePassView) => (
              <Space>
                <Tag color={p.status === 'approved' ? 'green' : p.status === 'requested' ? 'gold' : 'default'} data-testid="pass-status">
                  {t(`equipment.passStatuses.${p.status}`)}
                </Tag>
                {p.overdue && <Tag color="red">{t('equipment.overdueTag')}</Tag>}
                {p.dataHandling && <Tag>{t(`equipment.dataHandlings.${p.dataHandling}`)}</Tag>}
              </Space>
            ),
          },
          {
            key: 'actions',
            title: '',
            render: (_, p: GatePassView) => (
              <Space>
                {p.status === 'requested' && user.role === 'admin' && (
                  <>
                    <Button size="small" type="primary" onClick={() => decide(p, 'approved')} data-testid="pass-approve">
                      {t('equipment.approve')}
                    </Button>
                    <Button size="small" danger onClick={() => decide(p, 'rejected')}>
                      {t('equipment.reject')}
                    </Button>
                  </>
                )}
                {p.type === 'repair' &&
                  !p.dataHandling &&
                  (p.status === 'requested' || p.status === 'approved') &&
                  user.role !== 'auditor' && (
                    <Button size="small" onClick={() => setHandling(p)}>
                      {t('equipment.recordData')}
                    </Button>
                  )}
              </Space>
            ),
          },
        ]}
      />
      {handling && <DataHandlingDialog pass={handling} onClose={() => setHandling(null)} />}
    </Space>
  );
}

function DataHandlingDialog({ pass, onClose }: { pass: GatePassView; onClose: () => void }) {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const [value, setValue] = useState<DataHandling>('wiped');
  const [note, setNote] = useState('');
  return (
    <Modal
      open
      title={`${t('equipment.recordData')}: ${pass.number}`}
      onCancel={onClose}
      onOk={async () => (await run(() => changes.recordDataHandling(pass.id, value, note))) && onClose()}
    >
      <Radio.Group value={value} onChange={(e) => setValue(e.target.value as DataHandling)}>
        {DATA_HANDLING.map((d) => (
          <Radio key={d} value={d}>
            {t(`equipment.dataHandlings.${d}`)}
          </Radio>
        ))}
      </Radio.Group>
      <Input.TextArea
        style={{ marginTop: 8 }}
        placeholder={t('equipment.dataNote')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
    </Modal>
  );
}

/** The guard scans the tag and the pass; the answer fills the screen. */
function CheckpointTab() {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const [form] = Form.useForm();
  const [result, setResult] = useState<CheckpointDecision | null>(null);
  const check = async (values: { assetTag: string; passNumber?: string; direction: 'out' | 'in' }) => {
    const decision = await run(() => changes.checkpoint(values));
    if (decision) {
      setResult(decision);
      form.setFieldsValue({ assetTag: '', passNumber: '' });
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form form={form} layout="inline" onFinish={check} initialValues={{ direction: 'out' }}>
        <Form.Item name="direction">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'out', label: t('equipment.out') },
              { value: 'in', label: t('equipment.in') },
            ]}
            data-testid="checkpoint-direction"
          />
        </Form.Item>
        <Form.Item name="assetTag" rules={[{ required: true }]}>
          <Input autoFocus size="large" placeholder={t('equipment.assetTag')} data-testid="checkpoint-tag" />
        </Form.Item>
        <Form.Item name="passNumber">
          <Input size="large" placeholder={t('equipment.passNumber')} data-testid="checkpoint-pass" />
        </Form.Item>
        <Button type="primary" size="large" htmlType="submit" data-testid="checkpoint-submit">
          {t('equipment.check')}
        </Button>
      </Form>
      {result && (
        <Alert
          type={result.decision === 'allow' ? 'success' : 'error'}
          showIcon
          data-testid="checkpoint-result"
          data-decision={result.decision}
          message={
            <span style={{ fontSize: 32, fontWeight: 700 }}>{t(result.decision === 'allow' ? 'equipment.allow' : 'equipment.stop')}</span>
          }
          description={
            <span style={{ fontSize: 18 }}>
              {t(`equipment.reasons.${result.reason}`)}
              {result.equipment && ` · ${result.equipment.assetTag} ${result.equipment.description}`}
              {result.pass && ` · ${result.pass.number}`}
            </span>
          }
        />
      )}
    </Space>
  );
}

function SealsTab() {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const list = useQuery(equipmentQueries.seals);
  const [form] = Form.useForm();
  const counter = user.role === 'admin' || user.role === 'guard';
  const apply = async (values: { number: string; assetTag?: string; location?: string }) => {
    if (
      await run(() =>
        changes.applySeal({
          number: values.number,
          ...(values.assetTag ? { assetTag: values.assetTag } : {}),
          ...(values.location ? { location: values.location } : {}),
        }),
      )
    )
      form.resetFields();
  };
  const inspect = (seal: SealView, result: 'intact' | 'broken') => {
    let note = '';
    Modal.confirm({
      title: `${seal.number}: ${t(result === 'intact' ? 'equipment.intact' : 'equipment.broken')}`,
      content: <Input placeholder={t('equipment.note')} onChange={(e) => (note = e.target.value)} />,
      onOk: async () => void (await run(() => changes.inspectSeal(seal.id, result, note))),
    });
  };
  const replace = (seal: SealView) => {
    let number = '';
    let note = '';
    Modal.confirm({
      title: `${t('equipment.replace')}: ${seal.number}`,
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input placeholder={t('equipment.newNumber')} onChange={(e) => (number = e.target.value)} />
          <Input placeholder={t('equipment.note')} onChange={(e) => (note = e.target.value)} />
        </Space>
      ),
      onOk: async () => void (await run(() => changes.replaceSeal(seal.id, number, note))),
    });
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {counter && (
        <Form form={form} layout="inline" onFinish={apply}>
          <Form.Item name="number" rules={[{ required: true }]}>
            <Input placeholder={t('equipment.sealNumber')} />
          </Form.Item>
          <Form.Item name="assetTag">
            <Input placeholder={t('equipment.assetTag')} />
          </Form.Item>
          <Form.Item name="location">
            <Input placeholder={t('equipment.location')} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('equipment.applySeal')}
          </Button>
        </Form>
      )}
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data ?? []}
        columns={[
          {
            key: 'number',
            title: t('equipment.sealNumber'),
            render: (_, s: SealView) => <Typography.Text code>{s.number}</Typography.Text>,
          },
          { key: 'on', title: t('equipment.location'), render: (_, s: SealView) => s.assetTag ?? s.location ?? '' },
          {
            key: 'applied',
            title: t('equipment.appliedBy'),
            render: (_, s: SealView) => `${s.appliedBy ?? ''} ${formats.dateTime(s.appliedAt)}`,
          },
          {
            key: 'inspected',
            title: t('equipment.lastInspected'),
            render: (_, s: SealView) => (s.lastInspectedAt ? `${s.lastInspectedBy ?? ''} ${formats.dateTime(s.lastInspectedAt)}` : ''),
          },
          {
            key: 'status',
            title: t('equipment.status'),
            render: (_, s: SealView) => (
              <Tag color={s.status === 'intact' ? 'green' : s.status === 'broken' ? 'red' : 'default'}>
                {t(`equipment.sealStatuses.${s.status}`)}
              </Tag>
            ),
          },
          {
            key: 'actions',
            title: '',
            render: (_, s: SealView) =>
              counter && (
                <Space>
                  {s.status === 'intact' && (
                    <>
                      <Button size="small" onClick={() => inspect(s, 'intact')}>
                        {t('equipment.intact')}
                      </Button>
                      <Button size="small" danger onClick={() => inspect(s, 'broken')}>
                        {t('equipment.broken')}
                      </Button>
                    </>
                  )}
                  {(s.status === 'intact' || s.status === 'broken') && (
                    <Button size="small" onClick={() => replace(s)}>
                      {t('equipment.replace')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
    </Space>
  );
}

function MediaTab() {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(equipmentApi, EQUIPMENT_CHANGES);
  const zones = useQuery(zoneQueries.list);
  const people = useQuery(peopleQueries.list);
  const [result, setResult] = useState<{ violation: boolean; detail: string } | null>(null);
  const personOptions = useMemo(() => (people.data ?? []).map((p) => ({ value: p.id, label: p.name })), [people.data]);
  const check = async (values: { assetTag?: string; description: string; zoneId: string; personId?: string }) => {
    const answer = await run(() => changes.mediaCheck(values));
    if (answer) setResult(answer);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form layout="inline" onFinish={check}>
        <Form.Item name="assetTag">
          <Input placeholder={t('equipment.assetTag')} />
        </Form.Item>
        <Form.Item name="description" rules={[{ required: true, whitespace: true }]}>
          <Input placeholder={t('equipment.description')} />
        </Form.Item>
        <Form.Item name="zoneId" rules={[{ required: true }]}>
          <Select
            style={{ width: 180 }}
            placeholder={t('equipment.zone')}
            options={(zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (L${z.level})` }))}
          />
        </Form.Item>
        <Form.Item name="personId">
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 180 }}
            placeholder={t('equipment.person')}
            options={personOptions}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('equipment.checkMedia')}
        </Button>
      </Form>
      {result && (
        <Alert
          type={result.violation ? 'error' : 'success'}
          showIcon
          message={result.violation ? t('equipment.violation') : t('equipment.mediaOk')}
          description={result.detail}
        />
      )}
    </Space>
  );
}

function MovementsTab() {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const list = useQuery(equipmentQueries.movements);
  return (
    <Table
      rowKey="id"
      size="small"
      dataSource={list.data ?? []}
      pagination={{ pageSize: 50 }}
      columns={[
        { key: 'at', title: t('equipment.when'), render: (_, m) => formats.dateTime(m.at) },
        {
          key: 'kind',
          title: t('equipment.movementKind'),
          render: (_, m) => <Tag {...(m.decision === 'stop' ? { color: 'red' } : {})}>{m.kind}</Tag>,
        },
        { key: 'tag', title: t('equipment.assetTag'), render: (_, m) => m.assetTag ?? '' },
        { key: 'item', title: t('equipment.description'), render: (_, m) => snapshotDescription(m) },
        { key: 'reason', title: t('equipment.reason'), render: (_, m) => m.reason ?? '' },
        { key: 'actor', title: t('equipment.actor'), render: (_, m) => m.actor ?? '' },
      ]}
    />
  );
}
