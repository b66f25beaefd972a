import { useState } from 'react';
import { Alert, Button, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { allowedCardTransitions } from '@acs/shared/access/card-lifecycle';
import type { CardStatus } from '@acs/shared/access/model';
import type { CardView } from '@acs/shared/api/cards';
import { useSignedInUser } from '../../auth/auth-context';
import { type CardNumberValue, DeliveryProof, useAction } from '../../components/admin-kit';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';
import { cardStatusColor } from '../../format/labels';
import { CardHistoryDrawer, CardRequestForm, ReplacementDialog, TransitionDialog } from './card-forms';
import { useQuery } from '@tanstack/react-query';
import { type CardRequestInput, cardKeys, cardQueries, cardsApi } from '../../api/cards';
import { useMutations } from '../../api/query';
import { peopleQueries } from '../../api/people';

/**
 * Cards through their lifecycle (docs/product-rules.md#card-lifecycle). Admins request, approve, issue, activate,
 * suspend, report lost, revoke, return and destroy; the approver rule is shown on the buttons
 * it disables. Employees see their own cards here, read-only.
 */
export function CardsPage() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const isAdmin = user.role === 'admin';
  const cards = useQuery(cardQueries.list);
  const people = useQuery(peopleQueries.list);
  const formats = useDateFormatters();
  const run = useAction();
  const changes = useMutations(cardsApi, [cardKeys.all]);
  const [requesting, setRequesting] = useState(false);
  const [step, setStep] = useState<{ card: CardView; to: CardStatus } | null>(null);
  const [replacing, setReplacing] = useState<CardView | null>(null);
  const [history, setHistory] = useState<CardView | null>(null);
  const [proof, setProof] = useState<{ version: number; card: string } | null>(null);
  const validity = (ms: number | null) => (ms === null ? t('cards.noLimit') : formats.dateTime(ms));

  const request = async (body: CardRequestInput): Promise<boolean> => {
    const done = await run(() => changes.request(body), t('cardAdmin.requested'));
    return done !== undefined;
  };
  const transition = async (note: string) => {
    if (!step) return;
    const { card, to } = step;
    const result = await run(() => changes.transition(card.id, to, note || undefined), t('admin.done'));
    if (!result) return;
    setStep(null);
    // A step that takes access away is followed to the doors.
    if (card.status === 'active') setProof({ version: result.permissionVersion, card: card.display });
    if (to === 'lost') setReplacing(result.card);
  };
  const replace = async (value: CardNumberValue): Promise<boolean> => {
    if (!replacing) return false;
    const done = await run(
      () => changes.replace(replacing.id, { format: value.format, cardNumber: value.cardNumber.trim() }),
      t('cardAdmin.replacementRequested'),
    );
    return done !== undefined;
  };

  const blockedReason = (card: CardView, to: CardStatus): string | null => {
    if (to === 'approved' && card.requestedBy?.id === user.id) return t('cardAdmin.cannotApproveOwn');
    if (to === 'issued' && card.approvedBy?.id === user.id) return t('cardAdmin.cannotIssueApproved');
    return null;
  };

  const columns: ColumnsType<CardView> = [
    {
      key: 'number',
      title: t('cards.number'),
      sorter: (a, b) => a.display.localeCompare(b.display),
      render: (_, card) => (
        <div>
          <Typography.Text className="mono" copyable={{ text: card.display }} title={card.credential}>
            {card.display}
          </Typography.Text>
          {card.replacesCardId && (
            <div>
              <Typography.Text type="secondary" className="card-replaces">
                {t('cardAdmin.replaces', { number: (cards.data ?? []).find((c) => c.id === card.replacesCardId)?.display ?? '' })}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    { key: 'type', title: t('cards.type'), width: 100, render: (_, card) => t(`cardType.${card.type}`) },
    {
      key: 'status',
      title: t('cards.status'),
      width: 100,
      render: (_, card) => (
        <Tag color={cardStatusColor(card.status)} data-testid="card-status">
          {t(`cardStatus.${card.status}`)}
        </Tag>
      ),
    },
    {
      key: 'holder',
      title: t('cards.holder'),
      sorter: (a, b) => (a.holder ?? '').localeCompare(b.holder ?? ''),
      render: (_, card) => card.holder ?? <Typography.Text type="secondary">{t('cards.unassigned')}</Typography.Text>,
    },
    { key: 'validUntil', title: t('cards.validUntil'), width: 180, render: (_, card) => validity(card.validUntil) },
  ];
  if (isAdmin) {
    columns.push(
      {
        key: 'duties',
        title: `${t('cardAdmin.requestedBy')} / ${t('cardAdmin.approvedBy')} / ${t('cardAdmin.issuedBy')}`,
        render: (_, card) => (
          <span className="card-duties">
            {[card.requestedBy, card.approvedBy, card.issuedBy].map((u, i) => (
              <span key={i}>{u?.name ?? '—'}</span>
            ))}
          </span>
        ),
      },
      {
        key: 'lockdownAccess',
        title: <Tooltip title={t('doorRules.lockdownAccessHelp')}>{t('doorRules.lockdownAccess')}</Tooltip>,
        width: 110,
        render: (_, card) => (
          <Switch
            size="small"
            checked={card.lockdownAccess}
            disabled={card.type === 'visitor'}
            data-testid="card-lockdown-access"
            onChange={async (checked) => {
              await run(() => changes.update(card.id, { lockdownAccess: checked }), t('admin.saved'));
            }}
          />
        ),
      },
      {
        key: 'actions',
        title: t('admin.actions'),
        render: (_, card) => (
          <Space size={4} wrap>
            {allowedCardTransitions(card.status).map((to) => {
              const blocked = blockedReason(card, to);
              const button = (
                <Button
                  key={to}
                  size="small"
                  type={to === 'approved' || to === 'issued' || to === 'active' ? 'primary' : 'default'}
                  danger={to === 'revoked' || to === 'lost'}
                  disabled={blocked !== null}
                  onClick={() => setStep({ card, to })}
                  data-testid={`card-action-${to}`}
                >
                  {t(`cardAction.${to}`)}
                </Button>
              );
              return blocked ? (
                <Tooltip key={to} title={blocked}>
                  <span data-testid={`card-blocked-${to}`}>{button}</span>
                </Tooltip>
              ) : (
                button
              );
            })}
            {(card.status === 'lost' || card.status === 'destroyed') && card.personId && (
              <Button size="small" onClick={() => setReplacing(card)} data-testid="card-replace">
                {t('cardAdmin.replacement')}
              </Button>
            )}
            <Button
              size="small"
              type="text"
              icon={<HistoryOutlined />}
              onClick={() => setHistory(card)}
              data-testid="card-history-open"
              aria-label={t('cardAdmin.history')}
            />
          </Space>
        ),
      },
    );
  } else {
    columns.push({ key: 'validFrom', title: t('cards.validFrom'), width: 180, render: (_, card) => validity(card.validFrom) });
  }

  return (
    <ListPage<CardView>
      title={isAdmin || user.role !== 'employee' ? t('cards.title') : t('cardAdmin.myTitle')}
      testId="cards"
      query={cards}
      columns={columns}
      searchPlaceholder={t('cards.searchPlaceholder')}
      searchText={(card) => [card.display, card.credential, card.holder ?? ''].join(' ')}
      rowAttributes={(card) => ({ 'data-status': card.status, 'data-credential': card.credential })}
      tools={
        isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setRequesting(true)} data-testid="card-request">
            {t('cardAdmin.request')}
          </Button>
        )
      }
      header={
        isAdmin && (
          <div className="page-notes">
            <Alert type="info" showIcon title={t('cardAdmin.sodRule')} data-testid="sod-rule" />
            {proof && <DeliveryProof key={proof.version} version={proof.version} />}
          </div>
        )
      }
    >
      <CardRequestForm open={requesting} people={people.data ?? []} onCancel={() => setRequesting(false)} onSubmit={request} />
      <TransitionDialog card={step?.card ?? null} to={step?.to ?? null} onCancel={() => setStep(null)} onConfirm={transition} />
      <ReplacementDialog card={replacing} onCancel={() => setReplacing(null)} onSubmit={replace} />
      <CardHistoryDrawer card={history} onClose={() => setHistory(null)} />
    </ListPage>
  );
}
