import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export const retentionKeys = { settings: ['retention'] as const, holds: ['retention', 'holds'] as const };

/** How long each kind of record is kept, and the legal holds that keep them longer. */
export const retentionQueries = {
  settings: queryOptions({ queryKey: retentionKeys.settings, queryFn: ({ signal }) => http.get('/api/retention', { signal }) }),
  holds: queryOptions({ queryKey: retentionKeys.holds, queryFn: ({ signal }) => http.get('/api/retention/holds', { signal }) }),
};

export const retentionApi = {
  update: (body: Dto<'RetentionSettingsDto'>) => http.put('/api/retention', { body }),
  run: () => http.post('/api/retention/run'),
  placeHold: (body: Dto<'CreateLegalHoldDto'>) => http.post('/api/retention/holds', { body }),
  release: (id: string) => http.post('/api/retention/holds/{id}/release', byId(id)),
};
