import type { LegalHoldView, RetentionRunView, RetentionSettingsView } from '@acs/shared/api/retention';
import type { AlertRulesView, IncidentCause, IncidentDetailView, IncidentLevel, IncidentStatsView, IncidentView, ViolationLevel, ViolationView } from '@acs/shared/api/incidents';
import { apiRequest } from './api-client';

const id = (value: string) => encodeURIComponent(value);

/** Incidents, violations, statistics and alert rules (issue 6). */
export const incidentsApi = {
  incidents: (signal?: AbortSignal) => apiRequest<IncidentView[]>('GET', '/api/incidents', undefined, { signal }),
  incident: (incidentId: string, signal?: AbortSignal) => apiRequest<IncidentDetailView>('GET', `/api/incidents/${id(incidentId)}`, undefined, { signal }),
  report: (body: { title: string; description: string; level?: IncidentLevel; cause?: IncidentCause; zoneId?: string }) => apiRequest<IncidentDetailView>('POST', '/api/incidents', body),
  fromAlert: (alertId: string, level: IncidentLevel, note?: string) => apiRequest<IncidentDetailView>('POST', `/api/alerts/${id(alertId)}/incident`, { level, note }),
  update: (incidentId: string, body: { level?: IncidentLevel; status?: 'open' | 'investigating'; ownerUserId?: string; cause?: IncidentCause }) =>
    apiRequest<IncidentDetailView>('PATCH', `/api/incidents/${id(incidentId)}`, body),
  /** With a file, a multipart upload (the server checks its size and, by content, its type). */
  note: (incidentId: string, text: string, attachment?: File) => {
    if (!attachment) return apiRequest<IncidentDetailView>('POST', `/api/incidents/${id(incidentId)}/notes`, { text });
    const form = new FormData();
    form.set('text', text);
    form.set('attachment', attachment, attachment.name);
    return apiRequest<IncidentDetailView>('POST', `/api/incidents/${id(incidentId)}/notes`, form);
  },
  close: (incidentId: string, body: { outcome: string; correctiveActions: string; feedback: string }) => apiRequest<IncidentDetailView>('POST', `/api/incidents/${id(incidentId)}/close`, body),
  violations: (personId?: string, signal?: AbortSignal) => apiRequest<ViolationView[]>('GET', `/api/violations${personId ? `?personId=${id(personId)}` : ''}`, undefined, { signal }),
  recordViolation: (body: { personId: string; level: ViolationLevel; description: string; incidentId?: string }) => apiRequest<ViolationView>('POST', '/api/violations', body),
  stats: (from: number, to: number, signal?: AbortSignal) => apiRequest<IncidentStatsView>('GET', `/api/incidents/stats?from=${from}&to=${to}`, undefined, { signal }),
  rules: (signal?: AbortSignal) => apiRequest<AlertRulesView>('GET', '/api/alerts/rules', undefined, { signal }),
  updateRules: (body: Partial<AlertRulesView>) => apiRequest<AlertRulesView>('PUT', '/api/alerts/rules', body),
};


/** Retention per record type and legal holds (issue 6). */
export const retentionApi = {
  settings: (signal?: AbortSignal) => apiRequest<RetentionSettingsView>('GET', '/api/retention', undefined, { signal }),
  update: (body: Partial<RetentionSettingsView>) => apiRequest<RetentionSettingsView>('PUT', '/api/retention', body),
  run: () => apiRequest<RetentionRunView>('POST', '/api/retention/run'),
  holds: (signal?: AbortSignal) => apiRequest<LegalHoldView[]>('GET', '/api/retention/holds', undefined, { signal }),
  placeHold: (body: { reason: string; personId?: string | undefined; periodFrom: number; periodTo: number }) => apiRequest<LegalHoldView>('POST', '/api/retention/holds', body),
  release: (holdId: string) => apiRequest<LegalHoldView>('POST', `/api/retention/holds/${encodeURIComponent(holdId)}/release`),
};
