import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Input, Modal, Space } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '@acs/shared/api/alerts';
import { alertKeys, alertsApi } from '../../api/alerts';
import { useApiMutation } from '../../api/query';
import { useSignedInUser } from '../../auth/auth-context';
import { useNavigate } from 'react-router';
import { beep, useActiveAlerts } from './use-alerts';

export function alertWhere(alert: AlertView): string {
  return [
    alert.doorName ?? alert.doorId,
    alert.holder,
    alert.agentId && !alert.doorId ? alert.agentId : null,
    alert.detail && !alert.doorId ? alert.detail : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Unacknowledged critical alerts on every staff page: a red banner and a beep when one arrives. */
export function AlertBanner() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const navigate = useNavigate();
  const { alerts, replace } = useActiveAlerts();
  const critical = alerts.filter((a) => a.severity === 'critical' && a.status === 'open');
  const heard = useRef(new Set<string>());
  const [acknowledging, setAcknowledging] = useState<AlertView | null>(null);

  useEffect(() => {
    const fresh = critical.filter((a) => !heard.current.has(`${a.id}:${a.count}`));
    for (const a of critical) heard.current.add(`${a.id}:${a.count}`);
    if (fresh.length > 0) beep();
  }, [critical]);

  const first = critical[0];
  if (!first) return null;
  const canAck = user.role === 'admin' || user.role === 'guard';
  return (
    <>
      <Alert
        type="error"
        showIcon
        icon={<WarningOutlined />}
        className="alert-banner"
        data-testid="alert-banner"
        data-alert-id={first.id}
        data-alert-type={first.type}
        title={<strong>{t('alerts.bannerOne', { type: t(`alerts.typeName.${first.type}`), where: alertWhere(first) })}</strong>}
        description={critical.length > 1 ? t('alerts.bannerMore', { count: critical.length - 1 }) : undefined}
        action={
          <Space>
            {canAck && (
              <Button danger size="small" onClick={() => setAcknowledging(first)} data-testid="alert-banner-ack">
                {t('alerts.acknowledge')}
              </Button>
            )}
            <Button size="small" onClick={() => void navigate('/alerts')}>
              {t('alerts.view')}
            </Button>
          </Space>
        }
      />
      <AcknowledgeDialog alert={acknowledging} onClose={() => setAcknowledging(null)} onDone={replace} />
    </>
  );
}

export function AcknowledgeDialog({
  alert,
  onClose,
  onDone,
}: {
  alert: AlertView | null;
  onClose: () => void;
  onDone: (alert: AlertView) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const acknowledge = useApiMutation(({ id, note }: { id: string; note: string }) => alertsApi.acknowledge(id, note), [alertKeys.all]);
  const busy = acknowledge.isPending;
  const submit = async () => {
    if (!alert) return;
    if (!note.trim()) {
      message.warning(t('alerts.noteRequired'));
      return;
    }
    try {
      onDone(await acknowledge.mutateAsync({ id: alert.id, note: note.trim() }));
      message.success(t('alerts.acknowledged'));
      setNote('');
      onClose();
    } catch (err) {
      message.error(t('alerts.failed', { message: err instanceof Error ? err.message : String(err) }));
    }
  };
  return (
    <Modal
      open={alert !== null}
      title={alert ? t('alerts.acknowledgeTitle', { type: t(`alerts.typeName.${alert.type}`) }) : ''}
      okText={t('alerts.acknowledge')}
      okButtonProps={{ loading: busy, ...{ 'data-testid': 'alert-ack-confirm' } }}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Input.TextArea
        placeholder={t('alerts.noteRequired')}
        aria-label={t('alerts.note')}
        value={note}
        maxLength={500}
        autoSize={{ minRows: 2 }}
        onChange={(e) => setNote(e.target.value)}
        data-testid="alert-ack-note"
      />
    </Modal>
  );
}
