import { useState } from 'react';
import { Alert, Button, Checkbox, DatePicker, Form, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { RETENTION_RECORD_TYPES, type RetentionRunView, type RetentionSettingsView } from '@acs/shared/api/retention';
import { useSignedInUser } from '../../auth/auth-context';
import { useAction } from '../../components/admin-kit';
import { useResetState } from '../../components/reset-state';
import { useDateFormatters } from '../../format/date-format';
import { useQuery } from '@tanstack/react-query';
import { peopleQueries } from '../../api/people';
import { alertKeys } from '../../api/alerts';
import { equipmentKeys } from '../../api/equipment';
import { eventKeys } from '../../api/events';
import { incidentKeys } from '../../api/incidents';
import { useMutations } from '../../api/query';
import { retentionApi, retentionKeys, retentionQueries } from '../../api/retention';

/** Days to keep each record type, legal holds, and a retention pass on demand (admins; auditors read). */
export function RetentionTab() {
  const { t } = useTranslation();
  const run = useAction();
  const formats = useDateFormatters();
  const admin = useSignedInUser().role === 'admin';
  const settings = useQuery(retentionQueries.settings);
  const holds = useQuery(retentionQueries.holds);
  const people = useQuery(peopleQueries.list);
  // A run deletes what is past its keeping time, from any of these lists.
  const changes = useMutations(retentionApi, [retentionKeys.settings, eventKeys.all, alertKeys.all, incidentKeys.all, equipmentKeys.all]);
  // Edits start over from the settings each time they are loaded.
  const [draft, setDraft] = useResetState<RetentionSettingsView | null>(() => settings.data ?? null, [settings.data]);
  const [result, setResult] = useState<RetentionRunView | null>(null);
  const [form] = Form.useForm();
  if (!draft) return null;
  const place = async (values: { reason: string; personId?: string; period: [{ valueOf(): number }, { valueOf(): number }] }) => {
    if (
      await run(
        () =>
          changes.placeHold({
            reason: values.reason,
            personId: values.personId,
            periodFrom: values.period[0].valueOf(),
            periodTo: values.period[1].valueOf(),
          }),
        t('incidents.saved'),
      )
    )
      form.resetFields();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="retention-tab">
      <Typography.Title level={5}>{t('retention.title')}</Typography.Title>
      <Space wrap>
        {RETENTION_RECORD_TYPES.map((type) => (
          <Space key={type}>
            <span>{t(`retention.types.${type}`)}</span>
            <InputNumber
              disabled={!admin || draft[type] === null}
              min={30}
              max={36500}
              {...(draft[type] === null ? {} : { value: draft[type] })}
              onChange={(v) => setDraft({ ...draft, [type]: Number(v) })}
              addonAfter={t('retention.days')}
              style={{ width: 150 }}
            />
            <Checkbox
              disabled={!admin}
              checked={draft[type] === null}
              onChange={(e) => setDraft({ ...draft, [type]: e.target.checked ? null : 365 })}
            >
              {t('retention.forever')}
            </Checkbox>
          </Space>
        ))}
      </Space>
      {admin && (
        <Space>
          <Button type="primary" onClick={() => run(() => changes.update(draft), t('incidents.saved'))}>
            {t('incidents.save')}
          </Button>
          <Button onClick={async () => setResult((await run(() => changes.run())) ?? null)}>{t('retention.runNow')}</Button>
        </Space>
      )}
      {result && (
        <Alert
          type="info"
          showIcon
          message={t('retention.result', {
            deleted: RETENTION_RECORD_TYPES.map((type) => `${t(`retention.types.${type}`)} ${result.deleted[type]}`).join(', '),
            held: RETENTION_RECORD_TYPES.map((type) => `${t(`retention.types.${type}`)} ${result.held[type]}`).join(', '),
          })}
        />
      )}
      <Typography.Title level={5}>{t('retention.holds')}</Typography.Title>
      {admin && (
        <Form form={form} layout="inline" onFinish={place}>
          <Form.Item name="reason" rules={[{ required: true, whitespace: true }]}>
            <Input placeholder={t('retention.reason')} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="personId">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ width: 200 }}
              placeholder={t('retention.allPeople')}
              options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
          <Form.Item name="period" rules={[{ required: true }]}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('retention.place')}
          </Button>
        </Form>
      )}
      <Table
        size="small"
        rowKey="id"
        dataSource={holds.data ?? []}
        columns={[
          { key: 'reason', title: t('retention.reason'), render: (_, h) => h.reason },
          { key: 'who', title: t('incidents.person'), render: (_, h) => h.personName ?? t('retention.allPeople') },
          {
            key: 'period',
            title: t('retention.period'),
            render: (_, h) => `${formats.dateTime(h.periodFrom)} – ${formats.dateTime(h.periodTo)}`,
          },
          { key: 'by', title: t('incidents.recordedBy'), render: (_, h) => `${h.createdBy ?? ''} ${formats.dateTime(h.createdAt)}` },
          {
            key: 'state',
            title: t('incidents.status'),
            render: (_, h) =>
              h.releasedAt ? (
                `${t('retention.released')} ${formats.dateTime(h.releasedAt)}`
              ) : admin ? (
                <Button size="small" onClick={() => void run(() => changes.release(h.id))}>
                  {t('retention.release')}
                </Button>
              ) : (
                t('retention.active')
              ),
          },
        ]}
      />
    </Space>
  );
}
