import { useCallback, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Radio, Select, Space, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { LockdownView } from '@acs/shared/api/lockdown';
import { lockdownApi, lockdownKeys, type LockdownCommand } from '../api/lockdown';
import { useApiMutation } from '../api/query';
import { zoneQueries } from '../api/zones';
import { useSignedInUser } from '../auth/auth-context';
import { useDateFormatters } from '../format/date-format';
import { useLiveQuery } from '../realtime/live-query';

const OPERATORS = new Set(['admin', 'guard']);

/**
 * The lockdown in force, on every staff page: a red banner per locked-down part with who
 * started it and why, and for guards and admins the control to end it.
 */
export function LockdownBanners() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const { mutateAsync: sendEnd } = useApiMutation(lockdownApi.end, [lockdownKeys.state]);
  // After a reconnection the REST snapshot is the truth: something may have changed meanwhile.
  const query = useLiveQuery<LockdownView>({
    queryKey: lockdownKeys.state,
    snapshot: (signal) => lockdownApi.state(signal),
    on: { 'lockdown:v1': (_current, view) => view },
  });
  const view = query.data;
  const operator = OPERATORS.has(user.role);

  const end = useCallback(
    (command: LockdownCommand, target: string) => {
      let note = '';
      modal.confirm({
        title: t('lockdown.endConfirm', { target }),
        content: (
          <Input
            placeholder={t('lockdown.endReason')}
            maxLength={500}
            onChange={(e) => (note = e.target.value)}
            data-testid="lockdown-end-reason"
          />
        ),
        okText: t('lockdown.end'),
        cancelText: t('lockdown.cancel'),
        okButtonProps: { 'data-testid': 'lockdown-end-confirm' },
        onOk: async () => {
          try {
            const ended = await sendEnd({ ...command, ...(note.trim() ? { reason: note.trim() } : {}) });
            queryClient.setQueryData(lockdownKeys.state, ended);
            message.success(t('lockdown.ended'));
          } catch (err) {
            message.error(t('lockdown.failed', { message: err instanceof Error ? err.message : String(err) }));
          }
        },
      });
    },
    [message, modal, t, queryClient, sendEnd],
  );

  const parts = view
    ? [
        ...(view.site
          ? [
              {
                key: 'site',
                title: t('lockdown.bannerSite'),
                part: view.site,
                command: { scope: 'site' } as LockdownCommand,
                target: t('lockdown.site'),
              },
            ]
          : []),
        ...view.zones.map((z) => ({
          key: z.zoneId,
          title: t('lockdown.bannerZone', { zone: z.zoneName }),
          part: z,
          command: { scope: 'zone', zoneId: z.zoneId } satisfies LockdownCommand,
          target: z.zoneName,
        })),
      ]
    : [];

  return (
    <>
      {parts.map(({ key, title, part, command, target }) => (
        <Alert
          key={key}
          type="error"
          showIcon
          icon={<LockOutlined />}
          className="lockdown-banner"
          data-testid="lockdown-banner"
          data-scope={command.scope}
          title={<strong>{title}</strong>}
          description={
            <Space wrap size="large">
              <span>{t('lockdown.reason', { reason: part.reason })}</span>
              <Typography.Text type="secondary">
                {t('lockdown.startedBy', { name: part.startedBy ?? '—', time: formats.dateTime(part.startedAt) })}
              </Typography.Text>
            </Space>
          }
          action={
            operator ? (
              <Button danger size="small" onClick={() => end(command, target)} data-testid={`lockdown-end-${key}`}>
                {t('lockdown.end')}
              </Button>
            ) : undefined
          }
        />
      ))}
    </>
  );
}

/** The header button guards and admins start a lockdown with; the banners follow by socket.io. */
export function LockdownButton({ className }: { className?: string }) {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const [open, setOpen] = useState(false);
  if (!OPERATORS.has(user.role)) return null;
  return (
    <>
      <Button
        danger
        type="primary"
        size="small"
        icon={<LockOutlined />}
        {...(className === undefined ? {} : { className })}
        onClick={() => setOpen(true)}
        data-testid="lockdown-start"
      >
        {t('lockdown.button')}
      </Button>
      <LockdownStartModal open={open} onClose={() => setOpen(false)} />
    </>
  );
}

interface StartValues {
  scope: 'site' | 'zone';
  zoneId?: string;
  reason: string;
}

function LockdownStartModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<StartValues>();
  const scope = Form.useWatch('scope', form) ?? 'site';
  const zones = useQuery(zoneQueries.list);
  const start = useApiMutation(lockdownApi.start, [lockdownKeys.state]);
  const busy = start.isPending;

  const submit = async () => {
    const values = await form.validateFields();
    try {
      await start.mutateAsync({
        scope: values.scope,
        reason: values.reason.trim(),
        ...(values.scope === 'zone' ? { zoneId: values.zoneId! } : {}),
      });
      message.success(t('lockdown.started'));
      form.resetFields();
      onClose();
    } catch (err) {
      message.error(t('lockdown.failed', { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <Modal
      open={open}
      title={t('lockdown.startTitle')}
      okText={t('lockdown.start')}
      cancelText={t('lockdown.cancel')}
      okButtonProps={{ danger: true, loading: busy, ...{ 'data-testid': 'lockdown-start-confirm' } }}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('lockdown.startHelp')} className="form-rule" />
      <Form form={form} layout="vertical" initialValues={{ scope: 'site' }} data-testid="lockdown-form">
        <Form.Item name="scope" label={t('lockdown.scope')}>
          <Radio.Group
            data-testid="lockdown-scope"
            options={[
              { value: 'site', label: t('lockdown.scopeSite') },
              { value: 'zone', label: t('lockdown.scopeZone') },
            ]}
          />
        </Form.Item>
        {scope === 'zone' && (
          <Form.Item name="zoneId" label={t('lockdown.zone')} rules={[{ required: true, message: t('lockdown.zone') }]}>
            <Select
              data-testid="lockdown-zone"
              showSearch={{ optionFilterProp: 'label' }}
              options={(zones.data ?? []).map((z) => ({ value: z.id, label: z.name }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('lockdown.reasonLabel')}
          rules={[{ required: true, whitespace: true, message: t('lockdown.reasonRequired') }]}
        >
          <Input.TextArea data-testid="lockdown-reason" maxLength={500} autoSize={{ minRows: 2 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
