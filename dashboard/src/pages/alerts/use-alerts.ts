import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AlertView } from '@acs/shared/api/alerts';
import { alertKeys, alertsApi } from '../../api/alerts';
import { useLiveQuery } from '../../realtime/live-query';

/** The alerts to handle, and the newest state seen of each alert (a REST answer sent before a push must not undo it). */
interface ActiveAlerts {
  toHandle: AlertView[];
  seen: Readonly<Record<string, AlertView>>;
}

const ACTIVE_ALERTS = [...alertKeys.list('active'), 'to-handle'] as const;

const toHandle = (a: AlertView) => a.status === 'open' || (a.active && a.status !== 'cleared');
const byLatest = (a: AlertView, b: AlertView) => b.lastAt - a.lastAt;

function fromSnapshot(list: AlertView[], current: ActiveAlerts | undefined): ActiveAlerts {
  const seen = { ...current?.seen };
  const states = list.map((a) => (seen[a.id] = newer(seen[a.id], a)));
  return { toHandle: states.filter(toHandle), seen };
}

function pushed(current: ActiveAlerts | undefined, alert: AlertView): ActiveAlerts {
  const state = newer(current?.seen[alert.id], alert);
  const others = (current?.toHandle ?? []).filter((a) => a.id !== alert.id);
  return { toHandle: toHandle(state) ? [state, ...others].sort(byLatest) : others, seen: { ...current?.seen, [alert.id]: state } };
}

/** Alerts to handle, loaded over REST and kept current by `alert:v1` pushes (reloaded after a reconnection). */
export function useActiveAlerts(): { alerts: AlertView[]; replace: (alert: AlertView) => void } {
  const queryClient = useQueryClient();
  const query = useLiveQuery<AlertView[], ActiveAlerts>({
    queryKey: ACTIVE_ALERTS,
    snapshot: (signal) => alertsApi.list('active', signal),
    fromSnapshot,
    on: { 'alert:v1': pushed },
  });
  // An answer to this user's own change (an acknowledgement) is folded in like a push.
  const replace = useCallback(
    (alert: AlertView) => queryClient.setQueryData<ActiveAlerts>(ACTIVE_ALERTS, (current) => pushed(current, alert)),
    [queryClient],
  );
  return { alerts: query.data?.toHandle ?? [], replace };
}

/** Of two states of one alert, the later: acknowledgement and clearing only move forward. */
function newer(a: AlertView | undefined, b: AlertView): AlertView {
  if (!a) return b;
  const rank = (x: AlertView) => [x.status === 'open' ? 0 : x.status === 'acknowledged' ? 1 : 2, x.count, x.active ? 0 : 1];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! > rb[i]! ? a : b;
  return b;
}

/** A short two-tone beep for a new critical alert (Web Audio: no sound file to ship). */
export function beep(): void {
  try {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.connect(gain).connect(context.destination);
    oscillator.frequency.setValueAtTime(880, context.currentTime);
    oscillator.frequency.setValueAtTime(660, context.currentTime + 0.2);
    gain.gain.setValueAtTime(0.2, context.currentTime);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.45);
    oscillator.onended = () => void context.close();
  } catch {
    // No audio device, or the browser blocks sound until the user interacts: the banner remains.
  }
}
