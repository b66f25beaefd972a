import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export const incidentKeys = {
  all: ['incidents'] as const,
  detail: (id: string) => ['incidents', id] as const,
  stats: (from: number, to: number) => ['incidents', 'stats', { from, to }] as const,
  violations: ['violations'] as const,
  violationsOf: (personId?: string) => ['violations', { personId }] as const,
};

/** Incidents with their notes and attachments, violations and their statistics. */
export const incidentQueries = {
  list: queryOptions({ queryKey: incidentKeys.all, queryFn: ({ signal }) => http.get('/api/incidents', { signal }) }),
  detail: (id: string) =>
    queryOptions({ queryKey: incidentKeys.detail(id), queryFn: ({ signal }) => http.get('/api/incidents/{id}', { ...byId(id), signal }) }),
  stats: (from: number, to: number) =>
    queryOptions({
      queryKey: incidentKeys.stats(from, to),
      queryFn: ({ signal }) => http.get('/api/incidents/stats', { params: { query: { from, to } }, signal }),
    }),
  violations: (personId?: string) =>
    queryOptions({
      queryKey: incidentKeys.violationsOf(personId),
      queryFn: ({ signal }) => http.get('/api/violations', { params: { query: personId ? { personId } : {} }, signal }),
    }),
};

export const incidentsApi = {
  report: (body: Dto<'CreateIncidentDto'>) => http.post('/api/incidents', { body }),
  update: (id: string, body: Dto<'UpdateIncidentDto'>) => http.patch('/api/incidents/{id}', { ...byId(id), body }),
  /** With a file, a multipart upload (the server checks its size and, by content, its type). */
  note: (id: string, text: string, attachment?: File) => {
    if (!attachment) return http.post('/api/incidents/{id}/notes', { ...byId(id), body: { text } });
    const form = new FormData();
    form.set('text', text);
    form.set('attachment', attachment, attachment.name);
    return http.post('/api/incidents/{id}/notes', { ...byId(id), body: form });
  },
  close: (id: string, body: Dto<'CloseIncidentDto'>) => http.post('/api/incidents/{id}/close', { ...byId(id), body }),
  recordViolation: (body: Dto<'CreateViolationDto'>) => http.post('/api/violations', { body }),
};
