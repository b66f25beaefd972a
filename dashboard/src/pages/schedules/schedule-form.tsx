import { useEffect } from 'react';
import { Button, Checkbox, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schedule, ScheduleWindow } from '@acs/shared/mqtt/payloads';
import type { ScheduleInput } from '../../api/schedules';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface ScheduleFormProps {
  open: boolean;
  schedule: Schedule | null;
  onCancel: () => void;
  onSubmit: (values: ScheduleInput) => Promise<boolean>;
}

export function ScheduleForm({ open, schedule, onCancel, onSubmit }: ScheduleFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ id?: string; name: string; holidays: 'closed' | 'normal'; windows: ScheduleWindow[] }>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      schedule
        ? { name: schedule.name, holidays: schedule.holidays, windows: schedule.windows }
        : { holidays: 'closed', windows: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }] },
    );
  }, [open, schedule, form]);

  const submit = async () => {
    const v = await form.validateFields();
    const body: ScheduleInput = { name: v.name, holidays: v.holidays, windows: v.windows ?? [] };
    if (!schedule && v.id) body.id = v.id;
    if (await onSubmit(body)) onCancel();
  };

  return (
    <Modal
      open={open}
      width={640}
      title={schedule ? t('scheduleAdmin.editTitle') : t('scheduleAdmin.createTitle')}
      okText={t('admin.save')}
      cancelText={t('admin.cancel')}
      onOk={submit}
      onCancel={onCancel}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'schedule-save' }}
    >
      <Form form={form} layout="vertical" data-testid="schedule-form">
        {!schedule && (
          <Form.Item
            name="id"
            label={t('admin.id')}
            extra={t('admin.idHelp')}
            rules={[{ pattern: /^[a-z0-9][a-z0-9-]{0,62}$/, message: t('admin.idHelp') }]}
          >
            <Input data-testid="schedule-id" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('scheduleAdmin.name')} rules={[{ required: true, whitespace: true, message: t('admin.required') }]}>
          <Input data-testid="schedule-name" maxLength={200} />
        </Form.Item>
        <Form.Item name="holidays" label={t('scheduleAdmin.holidays')}>
          <Select
            data-testid="schedule-holidays"
            options={[
              { value: 'closed', label: t('scheduleAdmin.holidaysClosed') },
              { value: 'normal', label: t('scheduleAdmin.holidaysNormal') },
            ]}
          />
        </Form.Item>
        <Typography.Text strong>{t('scheduleAdmin.windows')}</Typography.Text>
        <Typography.Paragraph type="secondary">{t('scheduleAdmin.overnight')}</Typography.Paragraph>
        <Form.List name="windows">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="start" wrap className="schedule-window" data-testid="schedule-window">
                  <Form.Item name={[field.name, 'days']} rules={[{ required: true, type: 'array', min: 1, message: t('admin.required') }]}>
                    <Checkbox.Group options={DAYS.map((d) => ({ value: d, label: t(`weekday.${d}`) }))} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'start']}
                    rules={[{ required: true, pattern: HHMM, message: t('scheduleAdmin.timeFormat') }]}
                  >
                    <Input placeholder={t('scheduleAdmin.start')} style={{ width: 90 }} className="mono" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'end']} rules={[{ required: true, pattern: HHMM, message: t('scheduleAdmin.timeFormat') }]}>
                    <Input placeholder={t('scheduleAdmin.end')} style={{ width: 90 }} className="mono" />
                  </Form.Item>
                  <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} aria-label={t('admin.delete')} />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' })}>
                {t('scheduleAdmin.addWindow')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
