import { useEffect, useMemo } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Table, Typography } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CardType } from '@acs/shared/access/model';
import { useMutations } from '../../api/query';
import { type SiteInput, siteApi, siteKeys } from '../../api/site';
import { useAction, useHasRole, useLevelLabel, useSite } from '../../components/admin-kit';
import { CARD_TYPE_LIST, LEVEL_LIST } from '../../format/codes';
import { zoneLevelLabel } from '../../format/labels';
import { DepartmentsCard } from './departments-card';

interface SiteFormValues {
  name: string;
  timeZone: string;
  levelNames: Record<string, string>;
  cardTypes: Record<CardType, { ceiling: number; validityDays: number | null }>;
  doorRules: { escortWindowSec: number; twoPersonWindowSec: number; offlineLimitHours: Record<CardType, number | null> };
}

function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['Asia/Shanghai', 'UTC'];
}

/** Site settings: name, time zone, level names, card types; and the departments with their default zones. */
export function SitePage() {
  const { t } = useTranslation();
  const site = useSite();
  const isAdmin = useHasRole('admin');
  const levelLabel = useLevelLabel(site.data);
  const run = useAction();
  const changes = useMutations(siteApi, [siteKeys.site]);
  const [form] = Form.useForm<SiteFormValues>();
  const zones = useMemo(() => timeZones().map((z) => ({ value: z, label: z })), []);

  useEffect(() => {
    if (!site.data) return;
    form.setFieldsValue({
      name: site.data.name,
      timeZone: site.data.timeZone,
      levelNames: Object.fromEntries(LEVEL_LIST.map((l) => [String(l), site.data.levelNames[String(l)] ?? ''])),
      cardTypes: site.data.cardTypes,
      doorRules: site.data.doorRules,
    });
  }, [site.data, form]);

  const save = async () => {
    const v = await form.validateFields();
    const body: SiteInput = {
      name: v.name,
      timeZone: v.timeZone,
      levelNames: Object.fromEntries(Object.entries(v.levelNames ?? {}).map(([k, name]) => [k, (name ?? '').trim()])),
      cardTypes: Object.fromEntries(
        CARD_TYPE_LIST.map((type) => [type, { ceiling: v.cardTypes[type].ceiling, validityDays: v.cardTypes[type].validityDays ?? null }]),
      ),
      doorRules: {
        escortWindowSec: v.doorRules.escortWindowSec,
        twoPersonWindowSec: v.doorRules.twoPersonWindowSec,
        offlineLimitHours: Object.fromEntries(CARD_TYPE_LIST.map((type) => [type, v.doorRules.offlineLimitHours?.[type] ?? null])),
      },
    };
    await run(() => changes.update(body), t('admin.saved'));
  };

  return (
    <div className="page-stack" data-testid="page-site">
      <Card
        size="small"
        className="list-card"
        title={t('siteAdmin.title')}
        extra={
          site.data && (
            <Typography.Text type="secondary" data-testid="site-version">
              {t('siteAdmin.permissionVersion', { version: site.data.permissionVersion })}
            </Typography.Text>
          )
        }
      >
        {site.error && <Alert type="error" showIcon title={t('common.loadFailed', { message: site.error.message })} />}
        <Form form={form} layout="vertical" disabled={!isAdmin} data-testid="site-form">
          <div className="form-grid">
            <Form.Item name="name" label={t('siteAdmin.name')} rules={[{ required: true, whitespace: true, message: t('admin.required') }]}>
              <Input maxLength={200} data-testid="site-name" />
            </Form.Item>
            <Form.Item name="timeZone" label={t('siteAdmin.timeZone')} extra={t('siteAdmin.timeZoneHelp')} rules={[{ required: true }]}>
              <Select showSearch options={zones} data-testid="site-time-zone" />
            </Form.Item>
          </div>
          <Typography.Title level={5}>{t('siteAdmin.levelNames')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('siteAdmin.levelNamesHelp')}</Typography.Paragraph>
          <div className="level-grid">
            {LEVEL_LIST.map((level) => (
              <Form.Item key={level} name={['levelNames', String(level)]} label={`L${level}`}>
                <Input maxLength={50} placeholder={level <= 3 ? zoneLevelLabel(t, level) : ''} data-testid={`level-name-${level}`} />
              </Form.Item>
            ))}
          </div>
          <Typography.Title level={5}>{t('siteAdmin.cardTypes')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('siteAdmin.validityHelp')}</Typography.Paragraph>
          <Table
            size="small"
            rowKey={(type) => type}
            pagination={false}
            dataSource={CARD_TYPE_LIST}
            columns={[
              { key: 'type', title: t('siteAdmin.cardType'), render: (_, type: CardType) => t(`cardType.${type}`) },
              {
                key: 'ceiling',
                title: t('siteAdmin.ceiling'),
                render: (_, type: CardType) => (
                  <Form.Item name={['cardTypes', type, 'ceiling']} noStyle>
                    <Select
                      style={{ width: 200 }}
                      options={LEVEL_LIST.filter((l) => type !== 'visitor' || l < 3).map((l) => ({ value: l, label: levelLabel(l) }))}
                      data-testid={`ceiling-${type}`}
                    />
                  </Form.Item>
                ),
              },
              {
                key: 'validity',
                title: t('siteAdmin.validityDays'),
                render: (_, type: CardType) => (
                  <Form.Item name={['cardTypes', type, 'validityDays']} noStyle>
                    <InputNumber min={1} max={3660} placeholder={t('admin.noEnd')} data-testid={`validity-${type}`} />
                  </Form.Item>
                ),
              },
              {
                key: 'offline',
                title: <span title={t('doorRules.offlineLimitHelp')}>{t('doorRules.offlineLimit')}</span>,
                render: (_, type: CardType) => (
                  <Form.Item name={['doorRules', 'offlineLimitHours', type]} noStyle>
                    <InputNumber min={1} max={720} placeholder={t('doorRules.noLimit')} data-testid={`offline-limit-${type}`} />
                  </Form.Item>
                ),
              },
            ]}
          />
          <Typography.Title level={5}>{t('doorRules.settingsTitle')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('doorRules.offlineLimitHelp')}</Typography.Paragraph>
          <div className="form-grid">
            <Form.Item name={['doorRules', 'escortWindowSec']} label={t('doorRules.escortWindow')} rules={[{ required: true }]}>
              <InputNumber min={1} max={600} data-testid="escort-window" />
            </Form.Item>
            <Form.Item name={['doorRules', 'twoPersonWindowSec']} label={t('doorRules.twoPersonWindow')} rules={[{ required: true }]}>
              <InputNumber min={1} max={600} data-testid="two-person-window" />
            </Form.Item>
          </div>
          {isAdmin && (
            <Button type="primary" icon={<SaveOutlined />} onClick={save} className="form-submit" data-testid="site-save">
              {t('admin.save')}
            </Button>
          )}
        </Form>
      </Card>
      <DepartmentsCard editable={isAdmin} levelLabel={levelLabel} />
    </div>
  );
}
