import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type DoorInput = Dto<'CreateDoorDto'>;

export const doorKeys = { all: ['doors'] as const };

export const doorQueries = {
  list: queryOptions({ queryKey: doorKeys.all, queryFn: ({ signal }) => http.get('/api/doors', { signal }) }),
};

export const doorsApi = {
  create: (body: DoorInput) => http.post('/api/doors', { body }),
  update: (id: string, body: Dto<'UpdateDoorDto'>) => http.patch('/api/doors/{id}', { ...byId(id), body }),
  remove: (id: string) => http.delete('/api/doors/{id}', byId(id)),
};
