import { useEffect, useState } from 'react';
import { Alert, Drawer, Form, Input, Modal, Select, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CardStatus, CardType } from '@acs/shared/access/model';
import type { CardHistoryView, CardView } from '@acs/shared/api/cards';
import type { PersonView } from '@acs/shared/api/people';
import { useQuery } from '@tanstack/react-query';
import { type CardRequestInput, cardQueries } from '../../api/cards';
import { CardNumberInput, type CardNumberValue, usePersonOptions } from '../../components/admin-kit';
import { useResetState } from '../../components/reset-state';
import { CARD_TYPE_LIST } from '../../format/codes';
import { useDateFormatters } from '../../format/date-format';

/** `YYYY-MM-DD` from a date input → the end of that day, local time. */
export function endOfDay(date: string | undefined): number | null {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d, 23, 59, 59, 999).getTime();
}

interface RequestValues {
  personId?: string;
  type: CardType;
  number: CardNumberValue;
  validUntil?: string;
  note?: string;
}

export function CardRequestForm({
  open,
  people,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  people: readonly PersonView[];
  onCancel: () => void;
  onSubmit: (values: CardRequestInput) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RequestValues>();
  const personOptions = usePersonOptions(people as PersonView[]);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ type: 'employee', number: { format: 'em4100', cardNumber: '' } });
  }, [open, form]);

  const submit = async () => {
    const v = await form.validateFields();
    const body: CardRequestInput = {
      type: v.type,
      format: v.number.format,
      cardNumber: v.number.cardNumber.trim(),
      personId: v.personId ?? null,
      validUntil: endOfDay(v.validUntil),
      ...(v.note?.trim() ? { note: v.note.trim() } : {}),
    };
    if (await onSubmit(body)) onCancel();
  };

  return (
    <Modal
      open={open}
      title={t('cardAdmin.requestTitle')}
      okText={t('cardAdmin.request')}
      cancelText={t('admin.cancel')}
      onOk={submit}
      onCancel={onCancel}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'card-request-submit' }}
    >
      <Alert type="info" showIcon title={t('cardAdmin.sodRule')} className="form-rule" />
      <Form form={form} layout="vertical" data-testid="card-request-form">
        <Form.Item name="personId" label={t('cardAdmin.holder')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={personOptions} data-testid="card-holder" />
        </Form.Item>
        <Form.Item name="type" label={t('cardAdmin.type')} rules={[{ required: true }]}>
          <Select options={CARD_TYPE_LIST.map((type) => ({ value: type, label: t(`cardType.${type}`) }))} data-testid="card-type" />
        </Form.Item>
        <Form.Item
          name="number"
          label={t('cardAdmin.number')}
          rules={[
            {
              validator: (_, value: CardNumberValue | undefined) =>
                value?.cardNumber?.trim() ? Promise.resolve() : Promise.reject(new Error(t('admin.required'))),
            },
          ]}
        >
          <CardNumberInput />
        </Form.Item>
        <Form.Item name="validUntil" label={t('cardAdmin.validUntil')} extra={t('cardAdmin.validUntilHelp')}>
          <Input type="date" data-testid="card-valid-until" />
        </Form.Item>
        <Form.Item name="note" label={t('admin.note')}>
          <Input maxLength={500} placeholder={t('admin.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Confirms one lifecycle step, with an optional note kept in the card's history. */
export function TransitionDialog({
  card,
  to,
  onCancel,
  onConfirm,
}: {
  card: CardView | null;
  to: CardStatus | null;
  onCancel: () => void;
  onConfirm: (note: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  // Each card and step starts with an empty note.
  const [note, setNote] = useResetState(() => '', [card, to]);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={card !== null && to !== null}
      title={card && to ? t('cardAdmin.transitionTitle', { number: card.display, status: t(`cardStatus.${to}`) }) : ''}
      okText={to ? t(`cardAction.${to}`) : t('admin.confirm')}
      cancelText={t('admin.cancel')}
      okButtonProps={{
        danger: to === 'revoked' || to === 'lost' || to === 'destroyed' || to === 'suspended',
        loading: busy,
        'data-testid': 'transition-confirm',
      }}
      onOk={async () => {
        setBusy(true);
        try {
          await onConfirm(note.trim());
        } finally {
          setBusy(false);
        }
      }}
      onCancel={onCancel}
      destroyOnHidden
    >
      <Input.TextArea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={500}
        placeholder={t('admin.notePlaceholder')}
        data-testid="transition-note"
      />
    </Modal>
  );
}

/** Offers a replacement for a lost or destroyed card: a new request for the same holder. */
export function ReplacementDialog({
  card,
  onCancel,
  onSubmit,
}: {
  card: CardView | null;
  onCancel: () => void;
  onSubmit: (value: CardNumberValue) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  // Each card starts over with an empty number in the format of the card it replaces.
  const [value, setValue] = useResetState<CardNumberValue>(
    () => ({ format: card?.credential.startsWith('em4100:') ? 'em4100' : 'h10301', cardNumber: '' }),
    [card],
  );
  return (
    <Modal
      open={card !== null}
      title={card ? t('cardAdmin.replacementTitle', { holder: card.holder ?? '', number: card.display }) : ''}
      okText={t('cardAdmin.replacement')}
      cancelText={t('admin.cancel')}
      okButtonProps={{ disabled: !value.cardNumber.trim(), 'data-testid': 'replacement-submit' }}
      onOk={async () => {
        if (await onSubmit(value)) onCancel();
      }}
      onCancel={onCancel}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('cardAdmin.replacementOffer')} className="form-rule" />
      <CardNumberInput value={value} onChange={setValue} />
    </Modal>
  );
}

export function CardHistoryDrawer({ card, onClose }: { card: CardView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const history = useQuery({ ...cardQueries.history(card?.id ?? ''), enabled: card !== null });
  // A history that cannot be read shows as empty.
  const rows = history.isError ? [] : history.data;
  return (
    <Drawer
      open={card !== null}
      onClose={onClose}
      size={560}
      title={card ? t('cardAdmin.historyTitle', { number: card.display }) : ''}
      data-testid="card-history"
    >
      <Table<CardHistoryView>
        size="small"
        rowKey="id"
        loading={rows === undefined}
        dataSource={rows ?? []}
        pagination={false}
        columns={[
          { key: 'at', title: t('cardAdmin.at'), width: 170, render: (_, h) => formats.dateTime(h.at) },
          {
            key: 'step',
            title: t('cardAdmin.step'),
            render: (_, h) => `${h.from ? t(`cardStatus.${h.from}`) : '—'} → ${t(`cardStatus.${h.to}`)}`,
          },
          { key: 'actor', title: t('cardAdmin.actor'), render: (_, h) => h.actor?.name ?? t('common.none') },
          { key: 'note', title: t('admin.note'), render: (_, h) => h.note ?? '' },
        ]}
      />
    </Drawer>
  );
}
