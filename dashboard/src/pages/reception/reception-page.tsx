import { useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Tag,
  Typography,
  type InputRef,
} from 'antd';
import { useTranslation } from 'react-i18next';
import {
  ID_DOCUMENT_TYPES,
  VISITOR_ITEM_KINDS,
  type IdDocumentType,
  type VisitorItem,
  type VisitorItemKind,
  type VisitView,
} from '@acs/shared/api/reception';
import { useMutations } from '../../api/query';
import { DESK_CHANGES, listVisits, visitKeys, visitsApi } from '../../api/visits';
import { useAction, useHasRole } from '../../components/admin-kit';
import { useDateFormatters } from '../../format/date-format';
import { useLiveQuery } from '../../realtime/live-query';
import { shrinkPhoto } from './shrink-photo';
import { useQuery } from '@tanstack/react-query';
import { peopleQueries } from '../../api/people';
import { zoneQueries } from '../../api/zones';

const HOUR = 3_600_000;

/** The large state a guard reads from across the counter. */
export function VisitStateTag({ visit }: { visit: VisitView }) {
  const { t } = useTranslation();
  if (visit.watchlist === 'pending' && visit.status !== 'denied')
    return (
      <Tag color="red" className="visit-state">
        {t('reception.watchPending')}
      </Tag>
    );
  if (visit.status === 'on_site' && visit.overstay)
    return (
      <Tag color="red" className="visit-state">
        {t('reception.overdue')}
      </Tag>
    );
  if (visit.status === 'expected' && visit.hostDecision === 'approved')
    return (
      <Tag color="green" className="visit-state">
        {t('reception.approved')}
      </Tag>
    );
  const color = { expected: 'blue', awaiting_host: 'gold', denied: 'red', on_site: 'green', signed_out: 'default', cancelled: 'default' }[
    visit.status
  ];
  return (
    <Tag color={color} className="visit-state">
      {t(`reception.status.${visit.status}`)}
    </Tag>
  );
}

/** `laptop ThinkPad X1 PF-123` per line → items; unknown kinds become `other`. */
function parseItems(text: string): VisitorItem[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [first, ...rest] = line.split(/\s+/);
      const known = (VISITOR_ITEM_KINDS as readonly string[]).includes(first!);
      const words = known ? rest : [first!, ...rest];
      const serial = words.length > 1 && /\d/.test(words.at(-1)!) ? words.pop()! : null;
      return { kind: (known ? first : 'other') as VisitorItemKind, description: words.join(' ') || first!, serial };
    });
}

/**
 * The counter: register a walk-in with the keyboard alone (Tab between fields, Enter to
 * send), watch the host's answer arrive, check in with a scanned card, sign out.
 */
export function ReceptionPage() {
  const { t } = useTranslation();
  const run = useAction();
  const isAdmin = useHasRole('admin');
  const formats = useDateFormatters();
  const people = useQuery(peopleQueries.list);
  const zones = useQuery(zoneQueries.list);
  const queryClient = useQueryClient();
  const changes = useMutations(visitsApi, DESK_CHANGES);
  const [checkingIn, setCheckingIn] = useState<VisitView | null>(null);
  const [signingOut, setSigningOut] = useState<VisitView | null>(null);
  const [form] = Form.useForm();
  const nameRef = useRef<InputRef>(null);

  const today = useLiveQuery<VisitView[]>({
    queryKey: visitKeys.list('today'),
    snapshot: (signal) => listVisits('today', signal),
    on: {
      'visit:v1': (list = [], visit) =>
        list.some((v) => v.id === visit.id) ? list.map((v) => (v.id === visit.id ? visit : v)) : [visit, ...list],
    },
  });
  const visits = today.data ?? [];

  const hosts = useMemo(
    () => (people.data ?? []).filter((p) => p.kind === 'employee' && p.status === 'active').map((p) => ({ value: p.id, label: p.name })),
    [people.data],
  );
  const zoneOptions = useMemo(() => (zones.data ?? []).map((z) => ({ value: z.id, label: `${z.name} (L${z.level})` })), [zones.data]);

  const register = async (values: {
    visitorName: string;
    visitorCompany?: string;
    visitorPhone?: string;
    hostPersonId: string;
    purpose: string;
    zoneIds: string[];
    hours: number;
  }) => {
    const created = await run(
      () =>
        changes.walkIn({
          visitorName: values.visitorName,
          visitorCompany: values.visitorCompany || null,
          visitorPhone: values.visitorPhone || null,
          hostPersonId: values.hostPersonId,
          purpose: values.purpose,
          zoneIds: values.zoneIds,
          windowEnd: Date.now() + values.hours * HOUR,
        }),
      t('reception.registered'),
    );
    if (created) {
      queryClient.setQueryData<VisitView[]>(visitKeys.list('today'), (list = []) => [created, ...list.filter((v) => v.id !== created.id)]);
      form.resetFields();
      nameRef.current?.focus();
    }
  };

  const decideWatchlist = (visit: VisitView, decision: 'allowed' | 'refused') => {
    let note = '';
    Modal.confirm({
      title: t('reception.decisionNote'),
      content: <Input autoFocus onChange={(e) => (note = e.target.value)} data-testid="watchlist-note" />,
      onOk: () => run(() => changes.watchlistDecision(visit.id, decision, note)),
    });
  };

  const shown = visits.filter((v) => v.status !== 'cancelled');
  return (
    <Row gutter={16} data-testid="page-reception">
      <Col xs={24} lg={9}>
        <Card size="small" title={t('reception.walkIn')}>
          <Form
            form={form}
            layout="vertical"
            onFinish={register}
            initialValues={{ hours: 4, zoneIds: [] }}
            data-testid="walkin-form"
            data-ready={people.data && zones.data ? 'yes' : 'no'}
          >
            <Form.Item name="visitorName" label={t('reception.visitorName')} rules={[{ required: true, whitespace: true }]}>
              <Input ref={nameRef} autoFocus size="large" data-testid="walkin-name" />
            </Form.Item>
            <Form.Item name="visitorCompany" label={t('reception.company')}>
              <Input data-testid="walkin-company" />
            </Form.Item>
            <Form.Item name="visitorPhone" label={t('reception.phone')}>
              <Input data-testid="walkin-phone" />
            </Form.Item>
            <Form.Item name="hostPersonId" label={t('reception.host')} rules={[{ required: true }]}>
              <Select showSearch optionFilterProp="label" options={hosts} data-testid="walkin-host" />
            </Form.Item>
            <Form.Item name="purpose" label={t('reception.purpose')} rules={[{ required: true, whitespace: true }]}>
              <Input data-testid="walkin-purpose" />
            </Form.Item>
            <Form.Item name="zoneIds" label={t('reception.zones')} rules={[{ required: true, type: 'array', min: 1 }]}>
              <Select mode="multiple" optionFilterProp="label" options={zoneOptions} data-testid="walkin-zones" />
            </Form.Item>
            <Form.Item name="hours" label={t('reception.hours')} rules={[{ required: true }]}>
              <InputNumber min={1} max={24} data-testid="walkin-hours" />
            </Form.Item>
            <Button type="primary" htmlType="submit" size="large" block data-testid="walkin-submit">
              {t('reception.register')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={15}>
        <Card
          size="small"
          title={t('reception.today')}
          extra={
            <Button size="small" onClick={() => void today.refetch()}>
              ↻
            </Button>
          }
        >
          {shown.length === 0 && <Empty description={t('reception.noVisits')} />}
          <Space direction="vertical" style={{ width: '100%' }}>
            {shown.map((v) => (
              <Card
                key={v.id}
                size="small"
                className={`visit-card visit-${v.status}`}
                data-testid="visit-card"
                data-visit-name={v.visitorName}
                data-visit-status={v.status}
              >
                <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong style={{ fontSize: 18 }}>
                      {v.visitorName} {v.visitorCompany && <Typography.Text type="secondary">· {v.visitorCompany}</Typography.Text>}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {t('reception.host')}: {v.hostName} · {t('reception.window')}: {formats.dateTime(v.windowStart)} –{' '}
                      {formats.dateTime(v.windowEnd)}
                      {v.credentialDisplay && ` · ${t('reception.cardShort')}: ${v.credentialDisplay}`}
                    </Typography.Text>
                    {v.idNumberMasked && (
                      <Typography.Text type="secondary">
                        {t('reception.idChecked', { doc: `${t(`reception.idTypes.${v.idDocumentType!}`)} ${v.idNumberMasked}` })}
                      </Typography.Text>
                    )}
                    {v.signoutReason && (
                      <Typography.Text type="secondary">{t('reception.signoutReason', { reason: v.signoutReason })}</Typography.Text>
                    )}
                  </Space>
                  <Space>
                    <VisitStateTag visit={v} />
                    {v.status === 'expected' && v.hostDecision === 'approved' && v.watchlist !== 'pending' && v.watchlist !== 'refused' && (
                      <Button type="primary" size="large" onClick={() => setCheckingIn(v)} data-testid="checkin-open">
                        {t('reception.checkIn')}
                      </Button>
                    )}
                    {v.status === 'on_site' && (
                      <Button size="large" onClick={() => setSigningOut(v)} data-testid="signout-open">
                        {t('reception.signOut')}
                      </Button>
                    )}
                  </Space>
                </Space>
                {v.watchlist === 'pending' && v.watchlistMatch && v.status !== 'denied' && (
                  <Alert
                    type="error"
                    showIcon
                    style={{ marginTop: 8 }}
                    message={t('reception.watchPending')}
                    description={t('reception.matchDetail', {
                      name: v.watchlistMatch.name,
                      list: t(`reception.lists.${v.watchlistMatch.list}`),
                      score: Math.round(v.watchlistMatch.score * 100),
                      reason: v.watchlistMatch.reason,
                    })}
                    action={
                      isAdmin && (
                        <Space direction="vertical">
                          <Button size="small" onClick={() => decideWatchlist(v, 'allowed')} data-testid="watchlist-allow">
                            {t('reception.allow')}
                          </Button>
                          <Button size="small" danger onClick={() => decideWatchlist(v, 'refused')} data-testid="watchlist-refuse">
                            {t('reception.refuse')}
                          </Button>
                        </Space>
                      )
                    }
                  />
                )}
              </Card>
            ))}
          </Space>
        </Card>
      </Col>
      {checkingIn && <CheckInDialog visit={checkingIn} onClose={() => setCheckingIn(null)} />}
      {signingOut && <SignOutDialog visit={signingOut} onClose={() => setSigningOut(null)} />}
    </Row>
  );
}

interface ShrunkPhoto {
  blob: Blob;
  url: string;
  width: number;
  height: number;
}

function CheckInDialog({ visit, onClose }: { visit: VisitView; onClose: () => void }) {
  const changes = useMutations(visitsApi, DESK_CHANGES);
  const { t } = useTranslation();
  const { message } = App.useApp();
  const run = useAction();
  const [form] = Form.useForm();
  const idRef = useRef<InputRef>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [useQr, setUseQr] = useState(false);
  const [photo, setPhoto] = useState<ShrunkPhoto | null>(null);
  const [shrinking, setShrinking] = useState(false);
  // Set once the check-in went through but the photo did not: only the photo is sent again.
  const [checkedIn, setCheckedIn] = useState<VisitView | null>(null);
  const consent = Form.useWatch('photoConsent', form) === true;
  useEffect(() => () => void (photo && URL.revokeObjectURL(photo.url)), [photo]);

  const pickPhoto = async (file: File | undefined) => {
    if (!file) return;
    setShrinking(true);
    try {
      const blob = await shrinkPhoto(file);
      const url = URL.createObjectURL(blob);
      const size = await new Promise<{ width: number; height: number }>((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
        img.onerror = () => reject(new Error('preview'));
        img.src = url;
      });
      setPhoto({ blob, url, ...size });
    } catch {
      message.error({ content: t('reception.photoUnreadable'), className: 'action-error' });
    } finally {
      setShrinking(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  };
  const sendPhoto = async (visitId: string, shrunk: ShrunkPhoto): Promise<boolean> => {
    try {
      await changes.uploadPhoto(visitId, shrunk.blob);
      message.success(t('reception.photoKept'));
      return true;
    } catch (error) {
      message.error({
        content: t('reception.photoFailed', { message: error instanceof Error ? error.message : String(error) }),
        className: 'action-error',
      });
      return false;
    }
  };
  const submit = async (values: {
    cardNumber?: string;
    idDocumentType: IdDocumentType;
    idNumber?: string;
    items?: string;
    photoConsent?: boolean;
  }) => {
    const keepPhoto = values.photoConsent === true && photo !== null;
    const done =
      checkedIn ??
      (await run(
        () =>
          changes.checkIn(visit.id, {
            ...(useQr ? { useQr: true } : { cardNumber: values.cardNumber }),
            ...(values.idNumber ? { identity: { idDocumentType: values.idDocumentType, idNumber: values.idNumber } } : {}),
            photoConsent: values.photoConsent ?? false,
            items: parseItems(values.items ?? ''),
          }),
        t('reception.checkedIn'),
      ));
    if (!done) return;
    if (keepPhoto && !(await sendPhoto(done.id, photo))) {
      setCheckedIn(done);
      return;
    }
    onClose();
  };
  return (
    <Modal open title={t('reception.checkInTitle', { name: visit.visitorName })} onCancel={onClose} footer={null} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ idDocumentType: 'resident_id' }}
        data-testid="checkin-form"
        disabled={checkedIn !== null}
      >
        {visit.invitationCode && (
          <Form.Item>
            <Checkbox checked={useQr} onChange={(e) => setUseQr(e.target.checked)} data-testid="checkin-qr">
              {t('reception.useQr')}
            </Checkbox>
          </Form.Item>
        )}
        {!useQr && (
          <Form.Item name="cardNumber" label={t('reception.card')} rules={[{ required: true, whitespace: true }]}>
            {/* A keyboard-wedge reader types the number and Enter: Enter moves on instead of sending. */}
            <Input autoFocus size="large" onPressEnter={(e) => (e.preventDefault(), idRef.current?.focus())} data-testid="checkin-card" />
          </Form.Item>
        )}
        <Row gutter={8}>
          <Col span={10}>
            <Form.Item name="idDocumentType" label={t('reception.idType')}>
              <Select
                options={ID_DOCUMENT_TYPES.map((d) => ({ value: d, label: t(`reception.idTypes.${d}`) }))}
                data-testid="checkin-idtype"
              />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="idNumber" label={t('reception.idNumber')} rules={[{ required: !visit.idNumberMasked, whitespace: true }]}>
              <Input ref={idRef} autoComplete="off" data-testid="checkin-idnumber" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="items" label={t('reception.items')} extra={t('reception.itemsHint')}>
          <Input.TextArea rows={3} data-testid="checkin-items" />
        </Form.Item>
        <Form.Item name="photoConsent" valuePropName="checked">
          <Checkbox data-testid="checkin-photo-consent">{t('reception.photoConsent')}</Checkbox>
        </Form.Item>
        {consent && (
          <Form.Item label={t('reception.photo')}>
            {/* capture: a tablet at the counter opens its camera; a desktop offers a file. */}
            <input
              ref={fileRef}
              type="file"
              accept="image/*"
              capture="user"
              hidden
              onChange={(e) => void pickPhoto(e.target.files?.[0])}
              data-testid="checkin-photo-input"
            />
            <Space align="start">
              {photo && (
                <img src={photo.url} alt={t('reception.photo')} className="checkin-photo-preview" data-testid="checkin-photo-preview" />
              )}
              <Space direction="vertical">
                <Button loading={shrinking} onClick={() => fileRef.current?.click()} data-testid="checkin-photo">
                  {photo ? t('reception.retakePhoto') : t('reception.takePhoto')}
                </Button>
                {photo && (
                  <>
                    <Typography.Text type="secondary" data-testid="checkin-photo-size">
                      {t('reception.photoShrunk', { width: photo.width, height: photo.height, size: Math.ceil(photo.blob.size / 1024) })}
                    </Typography.Text>
                    <Button size="small" onClick={() => setPhoto(null)}>
                      {t('reception.removePhoto')}
                    </Button>
                  </>
                )}
              </Space>
            </Space>
          </Form.Item>
        )}
        {checkedIn ? (
          <Button
            type="primary"
            size="large"
            block
            disabled={false}
            onClick={() => void submit({ ...(form.getFieldsValue(true) as Parameters<typeof submit>[0]), photoConsent: true })}
            data-testid="checkin-photo-retry"
          >
            {t('reception.retryPhoto')}
          </Button>
        ) : (
          <Button type="primary" htmlType="submit" size="large" block loading={shrinking} data-testid="checkin-submit">
            {t('reception.confirmCheckIn')}
          </Button>
        )}
      </Form>
    </Modal>
  );
}

function SignOutDialog({ visit, onClose }: { visit: VisitView; onClose: () => void }) {
  const changes = useMutations(visitsApi, DESK_CHANGES);
  const { t } = useTranslation();
  const run = useAction();
  const [present, setPresent] = useState<boolean[]>(visit.items.map(() => true));
  const [decision, setDecision] = useState('');
  const differs = present.some((p) => !p);
  const submit = async () => {
    const done = await run(
      () => changes.signOut(visit.id, { items: visit.items.filter((_, i) => present[i]), ...(differs ? { itemsDecision: decision } : {}) }),
      t('reception.signedOut'),
    );
    if (done) onClose();
  };
  return (
    <Modal open title={t('reception.signOutTitle', { name: visit.visitorName })} onCancel={onClose} footer={null} destroyOnHidden>
      {visit.items.length > 0 && (
        <>
          <Typography.Paragraph>{t('reception.itemsChecked')}</Typography.Paragraph>
          {visit.items.map((item, i) => (
            <div key={i}>
              <Checkbox
                checked={present[i] ?? true}
                onChange={(e) => setPresent((p) => p.map((x, j) => (j === i ? e.target.checked : x)))}
                data-testid="signout-item"
              >
                {item.kind}: {item.description} {item.serial && `(${item.serial})`}
              </Checkbox>
            </div>
          ))}
        </>
      )}
      {differs && (
        <Input.TextArea
          style={{ marginTop: 8 }}
          placeholder={t('reception.itemsDecision')}
          value={decision}
          onChange={(e) => setDecision(e.target.value)}
          data-testid="signout-decision"
        />
      )}
      <Button type="primary" size="large" block style={{ marginTop: 12 }} onClick={submit} autoFocus data-testid="signout-submit">
        {t('reception.confirmSignOut')}
      </Button>
    </Modal>
  );
}
