import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Alert, Card, Segmented, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import {
  ArrowLeftOutlined,
  ArrowRightOutlined,
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  WarningFilled,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EventView } from '@acs/shared/api/events';
import { useDateFormatters } from '../../format/date-format';

/** What the device claimed, as a time when a date can hold it (year 0 to 9999), else the raw milliseconds. */
function claimedTime(ms: number, dateTime: (ms: number) => string): string {
  return ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999 ? dateTime(ms) : `${ms} ms`;
}
import { ALARM_EVENT_TYPES, WARNING_EVENT_TYPES, eventTypeLabel } from '../../format/labels';
import { EVENT_STREAM_CAP } from './event-stream';
import type { LiveEvents } from './use-live-events';

/** How long a newly arrived row stays highlighted (matches the CSS animation). */
const HIGHLIGHT_MS = 4000;
/** Delivered this much after it happened: the agent was offline and replayed it. */
const LATE_DELIVERY_MS = 60_000;

type EventFilter = 'all' | 'denied' | 'door';

function matches(filter: EventFilter, event: EventView): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'denied':
      return event.kind === 'access' && event.granted === false;
    case 'door':
      return event.kind !== 'access';
  }
}

export function EventStreamTable({ stream }: { stream: LiveEvents }) {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  // Not a ticking clock: re-rendering 500 rows every second would cost more than it shows,
  // and the CSS animation fades the highlight by itself. The rows are shown as of the latest
  // arrival, or later: when the filter changes, and once the last highlight has run its course.
  const [clock, setClock] = useState(() => Date.now());
  const lastArrival = useMemo(() => Math.max(0, ...stream.arrivedAt.values()), [stream.arrivedAt]);
  const now = Math.max(clock, lastArrival);
  useEffect(() => {
    const highlightEnds = lastArrival + HIGHLIGHT_MS;
    if (highlightEnds <= clock) return;
    const timer = setTimeout(() => setClock(Date.now()), highlightEnds - Date.now());
    return () => clearTimeout(timer);
  }, [lastArrival, clock]);
  const [filter, setFilter] = useState<EventFilter>('all');
  const chooseFilter = (chosen: EventFilter) => {
    setFilter(chosen);
    setClock(Date.now());
  };

  const rows = useMemo(() => stream.events.filter((event) => matches(filter, event)), [stream.events, filter]);

  const columns: ColumnsType<EventView> = [
    {
      key: 'time',
      title: t('live.events.time'),
      width: 150,
      render: (_, event) => {
        const late = event.receivedAt - event.occurredAt > LATE_DELIVERY_MS;
        // The agent's own time was not believable; the server's receive time stands in for it.
        const untrusted = event.deviceOccurredAt != null;
        return (
          <Tooltip
            title={
              <>
                {untrusted && (
                  <div>
                    {t('live.events.deviceTimeRejected', { claim: claimedTime(event.deviceOccurredAt!, (ms) => formats.dateTime(ms)) })}
                  </div>
                )}
                <div>{t('live.events.deviceTime', { time: formats.dateTime(event.occurredAt) })}</div>
                <div>{t('live.events.serverTime', { time: formats.dateTime(event.receivedAt) })}</div>
                {late && <div>{t('live.events.delayed')}</div>}
              </>
            }
          >
            <span className="event-time">
              {formats.compact(event.occurredAt, now)}
              {late && <ClockCircleOutlined className="event-late" aria-label={t('live.events.delayed')} />}
              {untrusted && <WarningFilled className="event-late" aria-label={t('live.events.deviceTimeRejectedShort')} />}
            </span>
          </Tooltip>
        );
      },
    },
    {
      key: 'door',
      title: t('live.events.door'),
      ellipsis: true,
      render: (_, event) => <span className="event-door">{event.doorName ?? event.doorId ?? t('common.none')}</span>,
    },
    {
      key: 'direction',
      title: t('live.events.direction'),
      width: 72,
      render: (_, event) =>
        event.direction ? (
          <span className={`event-direction event-direction-${event.direction}`}>
            {event.direction === 'in' ? <ArrowRightOutlined /> : <ArrowLeftOutlined />} {t(`direction.${event.direction}`)}
          </span>
        ) : (
          t('common.none')
        ),
    },
    {
      key: 'holder',
      title: t('live.events.holder'),
      ellipsis: true,
      render: (_, event) => {
        if (event.kind !== 'access') return <Typography.Text type="secondary">{event.detail ?? t('common.none')}</Typography.Text>;
        return (
          <span className="event-holder">
            {event.holder ? (
              <span className="event-holder-name">{event.holder}</span>
            ) : (
              <Typography.Text type="warning">{t('live.events.unknownHolder')}</Typography.Text>
            )}
            {event.credentialDisplay && <span className="mono event-card">{event.credentialDisplay}</span>}
          </span>
        );
      },
    },
    {
      key: 'decision',
      title: t('live.events.decision'),
      width: 300,
      render: (_, event) => <Decision event={event} />,
    },
  ];

  return (
    <Card
      size="small"
      className="live-card"
      title={t('live.events.title')}
      extra={
        <div className="live-card-extra">
          <Typography.Text type="secondary">
            {t('live.events.shown', { count: stream.events.length, max: EVENT_STREAM_CAP })}
          </Typography.Text>
          <Segmented<EventFilter>
            size="small"
            value={filter}
            onChange={chooseFilter}
            options={[
              { value: 'all', label: t('live.events.filterAll') },
              { value: 'denied', label: t('live.events.filterDenied') },
              { value: 'door', label: t('live.events.filterDoor') },
            ]}
            data-testid="event-filter"
          />
        </div>
      }
    >
      {stream.error && (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: stream.error.message })} className="live-alert" />
      )}
      <Table<EventView>
        size="small"
        rowKey="eventId"
        columns={columns}
        dataSource={rows}
        loading={!stream.loaded && !stream.error}
        pagination={false}
        scroll={{ y: 'calc(100vh - 230px)' }}
        locale={{ emptyText: t('live.events.empty') }}
        data-testid="event-stream"
        rowClassName={(event) => {
          const arrived = stream.arrivedAt.get(event.eventId);
          const classes = [`event-${event.kind}`];
          if (event.kind === 'access') classes.push(event.granted ? 'event-granted' : 'event-denied');
          else if (event.type !== null && ALARM_EVENT_TYPES.has(event.type)) classes.push('event-alarm');
          if (arrived !== undefined && now - arrived < HIGHLIGHT_MS) classes.push('event-row-new');
          return classes.join(' ');
        }}
        onRow={(event) =>
          ({
            'data-testid': 'event-row',
            'data-event-id': event.eventId,
            'data-kind': event.kind,
            'data-granted': event.granted === null ? '' : String(event.granted),
            'data-reason': event.reason ?? '',
            'data-type': event.type ?? '',
          }) as HTMLAttributes<HTMLElement>
        }
      />
    </Card>
  );
}

function Decision({ event }: { event: EventView }) {
  const { t } = useTranslation();
  if (event.kind === 'access') {
    const reason = event.reason ? t(`reason.${event.reason}`) : t('common.none');
    if (event.granted) {
      return (
        <span className="event-decision">
          <Tag color="success" variant="solid" icon={<CheckCircleFilled />} className="decision-tag">
            {t('live.events.granted')}
          </Tag>
          {event.reason && event.reason !== 'granted' && <span className="decision-reason-warning">{reason}</span>}
        </span>
      );
    }
    return (
      <span className="event-decision">
        <Tag color="error" variant="solid" icon={<CloseCircleFilled />} className="decision-tag">
          {t('live.events.denied')}
        </Tag>
        <span className="decision-reason-denied">{reason}</span>
      </span>
    );
  }
  const alarm = event.type !== null && ALARM_EVENT_TYPES.has(event.type);
  const warning = event.type !== null && WARNING_EVENT_TYPES.has(event.type);
  return (
    <span className="event-decision">
      <Tag
        color={alarm ? 'error' : warning ? 'warning' : 'default'}
        variant={alarm ? 'solid' : 'filled'}
        icon={alarm || warning ? <WarningFilled /> : undefined}
        className="decision-tag"
      >
        {eventTypeLabel(t, event.type)}
      </Tag>
      <Typography.Text type="secondary" className="event-kind">
        {t(`eventKind.${event.kind}`)}
      </Typography.Text>
    </span>
  );
}
