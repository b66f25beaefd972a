import { useEffect, useRef, useState } from 'react';
import type { AlertView } from '@acs/shared/api/alerts';
import { api } from '../../api/endpoints';
import { useRealtime, useSocketEvent } from '../../realtime/realtime-context';

/** Alerts to handle, loaded over REST and kept current by `alert:v1` pushes (reloaded after a reconnection). */
export function useActiveAlerts(): { alerts: AlertView[]; replace: (alert: AlertView) => void } {
  const { connectionEpoch } = useRealtime();
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  // The newest state seen of each alert: a REST answer sent before a push must not undo it.
  const latest = useRef(new Map<string, AlertView>());
  const toHandle = (a: AlertView) => a.status === 'open' || (a.active && a.status !== 'cleared');
  useEffect(() => {
    const controller = new AbortController();
    api.alerts('active', controller.signal).then(
      (list) => setAlerts(list.map((a) => newer(latest.current.get(a.id), a)).filter(toHandle)),
      () => undefined,
    );
    return () => controller.abort();
  }, [connectionEpoch]);
  const replace = (alert: AlertView) => {
    const current = newer(latest.current.get(alert.id), alert);
    latest.current.set(alert.id, current);
    setAlerts((list) => {
      const others = list.filter((a) => a.id !== alert.id);
      return toHandle(current) ? [current, ...others].sort((a, b) => b.lastAt - a.lastAt) : others;
    });
  };
  useSocketEvent('alert:v1', replace);
  return { alerts, replace };
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
