import { useState } from 'react';
import { Input, Modal, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '@acs/shared/api/alerts';
import { INCIDENT_LEVELS, type IncidentLevel } from '@acs/shared/api/incidents';
import { alertKeys, alertsApi } from '../../api/alerts';
import { incidentKeys } from '../../api/incidents';
import { useApiMutation } from '../../api/query';
import { useAction } from '../../components/admin-kit';

/** A guard makes an incident of an alert: the level and what is known so far. */
export function ToIncidentDialog({
  alert,
  onClose,
  onDone,
}: {
  alert: AlertView;
  onClose: () => void;
  onDone: (incidentId: string) => void;
}) {
  const { t } = useTranslation();
  const run = useAction();
  const [level, setLevel] = useState<IncidentLevel>(alert.severity === 'critical' ? 2 : 1);
  const [note, setNote] = useState('');
  const toIncident = useApiMutation(
    ({ level, note }: { level: IncidentLevel; note?: string | undefined }) => alertsApi.toIncident(alert.id, level, note),
    [alertKeys.all, incidentKeys.all],
  );
  return (
    <Modal
      open
      title={t('alerts.toIncidentTitle', { type: t(`alerts.typeName.${alert.type}`) })}
      onCancel={onClose}
      confirmLoading={toIncident.isPending}
      okButtonProps={{ ...{ 'data-testid': 'to-incident-confirm' } }}
      onOk={async () => {
        const incident = await run(() => toIncident.mutateAsync({ level, note: note || undefined }));
        if (incident) onDone(incident.id);
      }}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <span>{t('alerts.incidentLevel')}</span>
        <Select<IncidentLevel>
          value={level}
          onChange={setLevel}
          style={{ width: 200 }}
          options={INCIDENT_LEVELS.map((l) => ({ value: l, label: t(`incidents.levels.${l}`) }))}
          data-testid="to-incident-level"
        />
        <Input.TextArea
          rows={3}
          placeholder={t('alerts.incidentNote')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="to-incident-note"
        />
      </Space>
    </Modal>
  );
}
