import { Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { CardView } from '@acs/shared/api/views';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';
import { cardStatusColor } from '../../format/labels';

export function CardsPage() {
  const { t } = useTranslation();
  const cards = useApiQuery(api.cards);
  const formats = useDateFormatters();
  const validity = (ms: number | null) => (ms === null ? t('cards.noLimit') : formats.dateTime(ms));

  const columns: ColumnsType<CardView> = [
    {
      key: 'number',
      title: t('cards.number'),
      sorter: (a, b) => a.display.localeCompare(b.display),
      render: (_, card) => (
        <Typography.Text className="mono" copyable={{ text: card.display }} title={card.credential}>
          {card.display}
        </Typography.Text>
      ),
    },
    { key: 'type', title: t('cards.type'), width: 110, render: (_, card) => t(`cardType.${card.type}`) },
    {
      key: 'status',
      title: t('cards.status'),
      width: 110,
      render: (_, card) => <Tag color={cardStatusColor(card.status)}>{t(`cardStatus.${card.status}`)}</Tag>,
    },
    {
      key: 'holder',
      title: t('cards.holder'),
      sorter: (a, b) => (a.holder ?? '').localeCompare(b.holder ?? ''),
      render: (_, card) => card.holder ?? <Typography.Text type="secondary">{t('cards.unassigned')}</Typography.Text>,
    },
    { key: 'validFrom', title: t('cards.validFrom'), render: (_, card) => validity(card.validFrom) },
    { key: 'validUntil', title: t('cards.validUntil'), render: (_, card) => validity(card.validUntil) },
  ];

  return (
    <ListPage<CardView>
      title={t('cards.title')}
      testId="cards"
      query={cards}
      columns={columns}
      searchPlaceholder={t('cards.searchPlaceholder')}
      searchText={(card) => [card.display, card.credential, card.holder ?? ''].join(' ')}
    />
  );
}
