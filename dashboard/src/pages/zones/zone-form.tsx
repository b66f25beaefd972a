import { useEffect } from 'react';
import { Alert, Form, Input, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '@acs/shared/api/people';
import type { ZoneView } from '@acs/shared/api/zones';
import type { ZoneInput } from '../../api/zones';
import { ANTI_PASSBACK_LIST, LEVEL_LIST } from '../../format/codes';

interface ZoneFormProps {
  open: boolean;
  /** The zone being edited; null creates one. */
  zone: ZoneView | null;
  zones: readonly ZoneView[];
  people: readonly PersonView[];
  levelLabel: (level: number) => string;
  onCancel: () => void;
  onSubmit: (values: ZoneInput) => Promise<boolean>;
}

export function ZoneForm({ open, zone, zones, people, levelLabel, onCancel, onSubmit }: ZoneFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ZoneInput>();
  const level = Form.useWatch('level', form) ?? 0;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      zone
        ? {
            name: zone.name,
            level: zone.level,
            parentId: zone.parentId,
            ownerPersonId: zone.ownerPersonId,
            antiPassback: zone.antiPassback,
            twoPerson: zone.twoPerson,
          }
        : { level: 1, parentId: null, ownerPersonId: null, antiPassback: 'off', twoPerson: false },
    );
  }, [open, zone, form]);

  const submit = async () => {
    const values = await form.validateFields();
    const body: ZoneInput = { ...values, parentId: values.parentId ?? null, ownerPersonId: values.ownerPersonId ?? null };
    if (zone) delete body.id;
    else if (!body.id) delete body.id;
    if (await onSubmit(body)) onCancel();
  };

  return (
    <Modal
      open={open}
      title={zone ? t('zoneAdmin.editTitle') : t('zoneAdmin.createTitle')}
      okText={t('admin.save')}
      cancelText={t('admin.cancel')}
      onOk={submit}
      onCancel={onCancel}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'zone-save' }}
    >
      <Alert type="info" showIcon title={t('zoneAdmin.nestingRule')} className="form-rule" />
      <Form
        form={form}
        layout="vertical"
        data-testid="zone-form"
        // The manual's two-person rule comes with L3; the admin may still switch it off.
        onValuesChange={(changed: Partial<ZoneInput>) => {
          if (changed.level !== undefined && (zone === null || zone.level < 3)) form.setFieldValue('twoPerson', changed.level >= 3);
        }}
      >
        {!zone && (
          <Form.Item
            name="id"
            label={t('admin.id')}
            extra={t('admin.idHelp')}
            rules={[{ pattern: /^[a-z0-9][a-z0-9-]{0,62}$/, message: t('admin.idHelp') }]}
          >
            <Input data-testid="zone-id" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('zoneAdmin.name')} rules={[{ required: true, whitespace: true, message: t('admin.required') }]}>
          <Input data-testid="zone-name" maxLength={200} />
        </Form.Item>
        <Form.Item name="level" label={t('zoneAdmin.level')} rules={[{ required: true }]}>
          <Select data-testid="zone-level" options={LEVEL_LIST.map((l) => ({ value: l, label: levelLabel(l) }))} />
        </Form.Item>
        <Form.Item name="parentId" label={t('zoneAdmin.parent')}>
          <Select
            data-testid="zone-parent"
            options={[
              { value: null as unknown as string, label: t('zoneAdmin.parentNone') },
              ...zones.filter((z) => z.id !== zone?.id).map((z) => ({ value: z.id, label: `${z.name} (${levelLabel(z.level)})` })),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="ownerPersonId"
          label={t('zoneAdmin.owner')}
          extra={t('zoneAdmin.ownerHelp')}
          rules={[{ required: level >= 2, message: t('zoneAdmin.ownerHelp') }]}
        >
          <Select
            data-testid="zone-owner"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={people.filter((p) => p.status === 'active' && p.kind === 'employee').map((p) => ({ value: p.id, label: p.name }))}
          />
        </Form.Item>
        <Form.Item name="antiPassback" label={t('zoneAdmin.antiPassback')}>
          <Select data-testid="zone-anti-passback" options={ANTI_PASSBACK_LIST.map((m) => ({ value: m, label: t(`antiPassback.${m}`) }))} />
        </Form.Item>
        <Form.Item name="twoPerson" label={t('doorRules.twoPerson')} extra={t('doorRules.twoPersonHelp')} valuePropName="checked">
          <Switch data-testid="zone-two-person" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
