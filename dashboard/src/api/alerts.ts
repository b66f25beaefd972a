import { queryOptions } from '@tanstack/react-query';
import type { IncidentLevel } from '@acs/shared/api/incidents';
import { byId, type Dto, http } from './client';

export type AlertScope = 'active' | 'recent';

export const alertKeys = {
  all: ['alerts'] as const,
  list: (scope: AlertScope) => ['alerts', scope] as const,
  rules: ['alerts', 'rules'] as const,
};

export const alertQueries = {
  list: (scope: AlertScope) => queryOptions({ queryKey: alertKeys.list(scope), queryFn: ({ signal }) => alertsApi.list(scope, signal) }),
  rules: queryOptions({ queryKey: alertKeys.rules, queryFn: ({ signal }) => http.get('/api/alerts/rules', { signal }) }),
};

/** Alerts, their acknowledgement, the rules that raise them, and opening an incident from one. */
export const alertsApi = {
  list: (scope: AlertScope, signal?: AbortSignal) => http.get('/api/alerts', { params: { query: { scope } }, signal }),
  acknowledge: (id: string, note: string) => http.post('/api/alerts/{id}/acknowledge', { ...byId(id), body: { note } }),
  toIncident: (alertId: string, level: IncidentLevel, note?: string) =>
    http.post('/api/alerts/{id}/incident', { ...byId(alertId), body: { level, note } }),
  updateRules: (body: Dto<'AlertRulesDto'>) => http.put('/api/alerts/rules', { body }),
};
