import type { AlertRulesView } from '@acs/shared/api/incidents';
import type { AlertType } from '@acs/shared/api/alerts';
import type { EventView } from '@acs/shared/api/events';
import { CURRENT_PROTOCOL, MIN_AGENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import type { DomainSignalName, DomainSignals } from '../common/domain-signals.js';

/** One occurrence of a condition; occurrences with the same key fold into one alert. */
export interface Occurrence {
  type: AlertType;
  key: string;
  at: number;
  /** Momentary conditions (a lost card presented) end at once; lasting ones end with a clearing event. */
  lasting: boolean;
  doorId?: string | null;
  agentId?: string | null;
  personId?: string | null;
  holder?: string | null;
  credential?: string | null;
  detail?: string | null;
}

/** What a signal or an event means for the alerts: a condition occurred, or conditions ended. */
export type Trigger = { raise: Occurrence } | { clear: string; at: number };

const raise = (occurrence: Occurrence): Trigger[] => [{ raise: occurrence }];
const clear = (at: number, ...keys: string[]): Trigger[] => keys.map((key) => ({ clear: key, at }));

/** What a trigger may need to know beyond its signal: the site's alert rules, read only when asked. */
export interface TriggerContext {
  rules(): Promise<AlertRulesView>;
}

type SignalTriggers = {
  [K in Exclude<DomainSignalName, 'agent.event'>]: (signal: DomainSignals[K], context: TriggerContext) => Trigger[] | Promise<Trigger[]>;
};

/**
 * Every domain signal and the alerts it raises or clears (docs/product-rules.md#alerts). Agent events
 * are the table below; time rules (escalation, sync lag) run in the sweep.
 */
export const SIGNAL_TRIGGERS: SignalTriggers = {
  'agent.clock': async (s, context) => {
    const key = `clock_drift:${s.agentId}`;
    if (Math.abs(s.driftMs) <= (await context.rules()).clockDriftSeconds * 1000) return clear(s.at, key);
    return raise({
      type: 'clock_drift',
      key,
      at: s.at,
      lasting: true,
      agentId: s.agentId,
      detail: `agent clock ${s.driftMs > 0 ? 'ahead' : 'behind'} by ${(Math.abs(s.driftMs) / 1000).toFixed(1)} s`,
    });
  },
  'agent.refused': (s) =>
    raise({
      type: 'agent_refused',
      key: `agent_refused:${s.agentId ?? 'unknown'}`,
      at: s.at,
      lasting: false,
      detail: `${s.agentId ?? 'an unknown identity'} (client ${s.clientId}): ${s.reason}`,
    }),
  'agent.outdated': (s) =>
    raise({
      type: 'agent_outdated',
      key: `agent_outdated:${s.agentId}`,
      at: s.at,
      lasting: false,
      agentId: s.agentId,
      detail: `agent software ${s.softwareVersion ?? 'of unknown version'} speaks protocol ${s.protocol}; this server serves ${MIN_AGENT_PROTOCOL} to ${CURRENT_PROTOCOL}: upgrade the agent (its doors keep deciding from the set they hold, but get no new permissions and their events are not stored)`,
    }),
  'agent.events_missing': (s) => {
    if (s.givenUp)
      return raise({
        type: 'events_missing',
        key: `events_lost:${s.agentId}`,
        at: s.at,
        lasting: false,
        agentId: s.agentId,
        detail: `events ${s.missing} will never arrive`,
      });
    const key = `events_missing:${s.agentId}`;
    return s.open
      ? raise({ type: 'events_missing', key, at: s.at, lasting: true, agentId: s.agentId, detail: `events ${s.missing} missing` })
      : clear(s.at, key);
  },
  'agent.presence': ({ agentId, online, at }) =>
    online
      ? clear(at, `agent_offline:${agentId}`)
      : raise({ type: 'agent_offline', key: `agent_offline:${agentId}`, at, lasting: true, agentId, detail: 'no contact (last will)' }),
  'visit.overstay': (s) =>
    raise({
      type: 'visit_overstay',
      key: `visit_overstay:${s.visitId}`,
      at: s.at,
      lasting: false,
      personId: s.hostPersonId,
      holder: s.visitorName,
      detail: `visit ${s.visitId}`,
    }),
  'visit.forced_signout': (s) =>
    raise({
      type: 'visit_forced_signout',
      key: `visit_forced_signout:${s.visitId}`,
      at: s.at,
      lasting: false,
      holder: s.visitorName,
      detail: s.reason,
    }),
  // Only the match waiting for a supervisor; the decision itself raises nothing.
  'visit.watchlist_match': (s) =>
    s.decision !== 'pending'
      ? []
      : raise({
          type: 'watchlist_match',
          key: `watchlist_match:${s.visitId}`,
          at: s.at,
          lasting: false,
          holder: s.visitorName,
          detail: `visit ${s.visitId}: ${Math.round(s.score * 100)}% match, a supervisor decides`,
        }),
  'visit.items_mismatch': (s) =>
    raise({
      type: 'visitor_items_mismatch',
      key: `visitor_items_mismatch:${s.visitId}`,
      at: s.at,
      lasting: false,
      holder: s.visitorName,
      detail: `missing: ${s.missing.join(', ') || '-'}; extra: ${s.extra.join(', ') || '-'}`,
    }),
  'equipment.overdue': (s) =>
    raise({
      type: 'equipment_overdue',
      key: `equipment_overdue:${s.passId}`,
      at: s.at,
      lasting: false,
      personId: s.holderPersonId,
      detail: `${s.assetTag} (pass ${s.passId})`,
    }),
  'equipment.stopped': (s) =>
    raise({
      type: 'equipment_stopped',
      key: `equipment_stopped:${s.assetTag}`,
      at: s.at,
      lasting: false,
      detail: `${s.assetTag}: ${s.reason}`,
    }),
  'seal.broken': (s) =>
    raise({
      type: 'seal_broken',
      key: `seal_broken:${s.sealId}`,
      at: s.at,
      lasting: false,
      detail: `seal ${s.sealNumber}${s.note ? `: ${s.note}` : ''}`,
    }),
  'media.unregistered': (s) =>
    raise({
      type: 'media_unregistered',
      key: `media_unregistered:${s.zoneId}:${s.personId ?? s.visitId ?? 'unknown'}`,
      at: s.at,
      lasting: false,
      personId: s.personId,
      detail: `L${s.zoneLevel} ${s.zoneId}: ${s.description}`,
    }),
};

/** Door events that raise a lasting alert on their door; the door closing ends them all. */
const DOOR_EVENT_ALERTS: Readonly<Partial<Record<string, AlertType>>> = {
  forced_open: 'door_forced',
  held_open_prealarm: 'door_held_prealarm',
  held_open: 'door_held_open',
};
const DOOR_CLOSED = 'closed';

/** Access decisions whose reason is an alert of its own (a lost card presented, passback…). */
const ACCESS_ALERTS: Readonly<Partial<Record<string, AlertType>>> = {
  card_lost: 'card_lost_used',
  card_revoked: 'card_revoked_used',
  card_expired: 'card_expired_used',
  anti_passback: 'anti_passback',
  granted_passback_soft: 'anti_passback',
  escort_required: 'escort_violation',
};

/**
 * What one agent event raises or clears by itself. Repeated denials need the stored
 * history and are counted by the service (see AlertTriggersService).
 */
export function agentEventTriggers(e: EventView): Trigger[] {
  const at = e.occurredAt;
  if (e.kind === 'door') {
    if (!e.doorId) return [];
    const type = e.type ? DOOR_EVENT_ALERTS[e.type] : undefined;
    if (type) return raise({ doorId: e.doorId, agentId: e.agentId, at, lasting: true, type, key: `${type}:${e.doorId}` });
    if (e.type === DOOR_CLOSED) return clear(at, ...Object.values(DOOR_EVENT_ALERTS).map((t) => `${t}:${e.doorId}`));
    return [];
  }
  if (e.kind === 'device') {
    const device = e.deviceId ?? 'unknown device';
    const detail = `${device}: ${e.detail ?? ''}`;
    if (e.type === 'reader_fault')
      return raise({ type: 'reader_fault', key: `reader_fault:${e.agentId}:${device}`, at, lasting: true, agentId: e.agentId, detail });
    if (e.type === 'reader_recovered') return clear(at, `reader_fault:${e.agentId}:${device}`);
    if (e.type === 'tamper')
      return raise({ type: 'tamper', key: `tamper:${e.agentId}:${device}`, at, lasting: false, agentId: e.agentId, detail });
    return [];
  }
  if (e.kind !== 'access' || !e.reason) return [];
  const type = ACCESS_ALERTS[e.reason];
  if (!type) return [];
  return raise({
    doorId: e.doorId,
    agentId: e.agentId,
    personId: e.personId,
    holder: e.holder,
    credential: e.credential,
    type,
    key: `${type}:${e.doorId}:${e.credential}`,
    at,
    lasting: false,
    detail: e.reason,
  });
}
