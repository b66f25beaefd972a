import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type ZoneInput = Dto<'CreateZoneDto'>;

export const zoneKeys = { all: ['zones'] as const };

export const zoneQueries = {
  list: queryOptions({ queryKey: zoneKeys.all, queryFn: ({ signal }) => http.get('/api/zones', { signal }) }),
};

export const zonesApi = {
  create: (body: ZoneInput) => http.post('/api/zones', { body }),
  update: (id: string, body: Dto<'UpdateZoneDto'>) => http.patch('/api/zones/{id}', { ...byId(id), body }),
  remove: (id: string) => http.delete('/api/zones/{id}', byId(id)),
};
