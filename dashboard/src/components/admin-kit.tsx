import { useCallback, useEffect, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { App, Card, Input, List, Select, Space, Tag, Typography } from 'antd';
import { CheckCircleOutlined, LoadingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { UserRole } from '@acs/shared/access/model';
import type { RevocationProofView } from '@acs/shared/api/proof';
import type { SiteView } from '@acs/shared/api/site';
import { CARD_NUMBER_FORMATS } from '@acs/shared/credentials/card-number';
import { permissionKeys, revocationProof } from '../api/permissions';
import type { CardNumberFormat } from '../api/cards';
import { siteQueries } from '../api/site';
import { useSignedInUser } from '../auth/auth-context';
import { zoneLevelColor, zoneLevelLabel } from '../format/labels';
import { useLiveQuery } from '../realtime/live-query';

/** Runs a change against the API and reports success or the server's reason. */
export function useAction() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    async <T,>(work: () => Promise<T>, success?: string): Promise<T | undefined> => {
      try {
        const result = await work();
        if (success) message.success(success);
        return result;
      } catch (error) {
        message.error({
          content: t('admin.failed', { message: error instanceof Error ? error.message : String(error) }),
          className: 'action-error',
        });
        return undefined;
      }
    },
    [message, t],
  );
}

/** Shows a query's failure the way useAction shows a failed change, once per failure. */
export function useActionError(error: Error | null): void {
  const { message } = App.useApp();
  const { t } = useTranslation();
  useEffect(() => {
    if (error) message.error({ content: t('admin.failed', { message: error.message }), className: 'action-error' });
  }, [error, message, t]);
}

export function useHasRole(...roles: UserRole[]): boolean {
  return roles.includes(useSignedInUser().role);
}

export function useSite() {
  return useQuery(siteQueries.site);
}

/** Level names: the site's own name when it set one, else the translated default. */
export function useLevelLabel(site: SiteView | undefined): (level: number) => string {
  const { t } = useTranslation();
  return useCallback(
    (level: number) => {
      const custom = site?.levelNames[String(level)];
      return custom ? t('levels.custom', { level, name: custom }) : zoneLevelLabel(t, level);
    },
    [site, t],
  );
}

export function LevelTag({ level, label }: { level: number; label: (level: number) => string }) {
  return (
    <Tag color={zoneLevelColor(level)} data-level={level}>
      {label(level)}
    </Tag>
  );
}

export function useSeconds(): (ms: number) => string {
  const { t } = useTranslation();
  return useCallback((ms: number) => t('proof.seconds', { value: (ms / 1000).toFixed(ms < 10_000 ? 1 : 0) }), [t]);
}

export interface CardNumberValue {
  format: CardNumberFormat;
  cardNumber: string;
}

/** Card number entry the way people read it: EM 10-digit, Wiegand FC:CN, UID or raw, with its format. */
export function CardNumberInput({ value, onChange }: { value?: CardNumberValue; onChange?: (value: CardNumberValue) => void }) {
  const { t } = useTranslation();
  const current = value ?? { format: 'em4100', cardNumber: '' };
  const help =
    current.format === 'em4100'
      ? t('cardAdmin.numberHelpEm')
      : current.format === 'uid'
        ? t('cardAdmin.numberHelpUid')
        : current.format === 'raw'
          ? t('cardAdmin.numberHelpRaw')
          : t('cardAdmin.numberHelpWiegand');
  return (
    <Space.Compact block>
      <Select
        value={current.format}
        onChange={(format: CardNumberFormat) => onChange?.({ ...current, format })}
        options={CARD_NUMBER_FORMATS.map((f) => ({ value: f, label: f.toUpperCase() }))}
        style={{ width: 130 }}
        data-testid="card-format"
        aria-label={t('cardAdmin.format')}
      />
      <Input
        value={current.cardNumber}
        onChange={(event) => onChange?.({ ...current, cardNumber: event.target.value })}
        placeholder={help}
        className="mono"
        data-testid="card-number"
        aria-label={t('cardAdmin.number')}
      />
    </Space.Compact>
  );
}

/**
 * Watches a permission version reach the doors: each agent's confirmation as it arrives
 * (refreshed on every `agent:v1` push, and once a second as a fallback).
 */
export function DeliveryProof({ version }: { version: number }) {
  const { t } = useTranslation();
  const seconds = useSeconds();
  const { data: proof } = useLiveQuery<RevocationProofView>({
    queryKey: permissionKeys.revocation(version),
    snapshot: (signal) => revocationProof(version, signal),
    on: { 'agent:v1': 'refetch' },
    refetchInterval: (current) => (current?.complete ? false : 1000),
  });
  const pending = proof ? proof.agents.filter((a) => a.confirmedAt === null).length : 0;

  return (
    <Card
      size="small"
      className="delivery-proof"
      data-testid="delivery-proof"
      data-version={version}
      data-complete={proof?.complete ? 'true' : 'false'}
      title={t('proof.deliveryTitle', { version })}
    >
      {proof && proof.agents.length === 0 && <Typography.Text type="secondary">{t('proof.noAgents')}</Typography.Text>}
      {proof && proof.agents.length > 0 && (
        <List
          size="small"
          dataSource={proof.agents}
          renderItem={(agent) => (
            <List.Item
              data-testid="proof-agent"
              data-agent-id={agent.agentId}
              data-confirmed={agent.confirmedAt !== null ? 'true' : 'false'}
            >
              <span>{agent.agentName}</span>
              {agent.confirmedAt !== null ? (
                <Tag icon={<CheckCircleOutlined />} color="success">
                  {t('proof.agentConfirmed', { version: agent.confirmedVersion, delay: seconds(agent.delayMs ?? 0) })}
                </Tag>
              ) : (
                <Tag icon={<LoadingOutlined />} color="processing">
                  {t('proof.agentPending')}
                </Tag>
              )}
            </List.Item>
          )}
        />
      )}
      {proof && proof.agents.length > 0 && (
        <Typography.Text strong={proof.complete} type={proof.complete ? 'success' : 'warning'} data-testid="proof-summary">
          {proof.complete
            ? t('proof.allConfirmed', { count: proof.agents.length, delay: seconds(proof.delayMs ?? 0) })
            : t('proof.waiting', { count: pending })}
        </Typography.Text>
      )}
    </Card>
  );
}

/** Options for person pickers: active people first, names as shown. */
export function usePersonOptions(people: { id: string; name: string; status: string }[] | undefined) {
  return useMemo(
    () =>
      (people ?? [])
        .filter((p) => p.status === 'active')
        .map((p) => ({ value: p.id, label: p.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [people],
  );
}
