import { useEffect } from 'react';
import { Alert, Form, Input, InputNumber, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AgentView } from '@acs/shared/api/agents';
import type { DoorFailMode, DoorView } from '@acs/shared/api/doors';
import type { ZoneView } from '@acs/shared/api/zones';
import type { DoorInput } from '../../api/doors';

interface DoorFormValues {
  id?: string;
  name: string;
  fromZoneId: string;
  toZoneId: string;
  agentId: string | null;
  releaseSeconds: number;
  heldOpenSeconds: number;
  failMode: DoorFailMode;
}

interface DoorFormProps {
  open: boolean;
  door: DoorView | null;
  zones: readonly ZoneView[];
  agents: readonly AgentView[];
  onCancel: () => void;
  onSubmit: (values: DoorInput) => Promise<boolean>;
}

const FAIL_MODES: DoorFailMode[] = ['secure', 'safe'];

export function DoorForm({ open, door, zones, agents, onCancel, onSubmit }: DoorFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DoorFormValues>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      door
        ? {
            name: door.name,
            fromZoneId: door.fromZoneId,
            toZoneId: door.toZoneId,
            agentId: door.agentId,
            releaseSeconds: door.releaseMs / 1000,
            heldOpenSeconds: door.heldOpenMs / 1000,
            failMode: door.failMode,
          }
        : { agentId: null, releaseSeconds: 5, heldOpenSeconds: 30, failMode: 'secure' },
    );
  }, [open, door, form]);

  const submit = async () => {
    const v = await form.validateFields();
    const body: DoorInput = {
      name: v.name,
      fromZoneId: v.fromZoneId,
      toZoneId: v.toZoneId,
      agentId: v.agentId ?? null,
      releaseMs: Math.round(v.releaseSeconds * 1000),
      heldOpenMs: Math.round(v.heldOpenSeconds * 1000),
      failMode: v.failMode,
      ...(!door && v.id ? { id: v.id } : {}),
    };
    if (await onSubmit(body)) onCancel();
  };
  const zoneOptions = zones.map((z) => ({ value: z.id, label: z.name }));

  return (
    <Modal
      open={open}
      title={door ? t('doorAdmin.editTitle') : t('doorAdmin.createTitle')}
      okText={t('admin.save')}
      cancelText={t('admin.cancel')}
      onOk={submit}
      onCancel={onCancel}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'door-save' }}
    >
      <Alert type="info" showIcon title={t('doorAdmin.adjacencyRule')} className="form-rule" />
      <Form form={form} layout="vertical" data-testid="door-form">
        {!door && (
          <Form.Item
            name="id"
            label={t('admin.id')}
            extra={t('admin.idHelp')}
            rules={[{ pattern: /^[a-z0-9][a-z0-9-]{0,62}$/, message: t('admin.idHelp') }]}
          >
            <Input data-testid="door-id" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('doors.name')} rules={[{ required: true, whitespace: true, message: t('admin.required') }]}>
          <Input data-testid="door-name" maxLength={200} />
        </Form.Item>
        <Form.Item name="fromZoneId" label={t('doorAdmin.from')} rules={[{ required: true, message: t('admin.required') }]}>
          <Select data-testid="door-from" options={zoneOptions} />
        </Form.Item>
        <Form.Item name="toZoneId" label={t('doorAdmin.to')} rules={[{ required: true, message: t('admin.required') }]}>
          <Select data-testid="door-to" options={zoneOptions} />
        </Form.Item>
        <Form.Item name="agentId" label={t('doorAdmin.agent')}>
          <Select
            data-testid="door-agent"
            options={[
              { value: null as unknown as string, label: t('doorAdmin.agentNone') },
              ...agents.map((a) => ({ value: a.id, label: a.name })),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="releaseSeconds"
          label={t('doorAdmin.releaseSeconds')}
          rules={[{ required: true, type: 'number', min: 3, max: 600 }]}
        >
          <InputNumber min={3} max={600} step={1} data-testid="door-release" />
        </Form.Item>
        <Form.Item
          name="heldOpenSeconds"
          label={t('doorAdmin.heldOpenSeconds')}
          rules={[{ required: true, type: 'number', min: 5, max: 3600 }]}
        >
          <InputNumber min={5} max={3600} step={5} data-testid="door-held-open" />
        </Form.Item>
        <Form.Item name="failMode" label={t('doorAdmin.failMode')}>
          <Select data-testid="door-fail-mode" options={FAIL_MODES.map((m) => ({ value: m, label: t(`failMode.${m}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
