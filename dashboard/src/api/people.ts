import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type PersonInput = Dto<'CreatePersonDto'>;

export const peopleKeys = { all: ['people'] as const };

export const peopleQueries = {
  list: queryOptions({ queryKey: peopleKeys.all, queryFn: ({ signal }) => http.get('/api/people', { signal }) }),
};

export const peopleApi = {
  create: (body: PersonInput) => http.post('/api/people', { body }),
  update: (id: string, body: Dto<'UpdatePersonDto'>) => http.patch('/api/people/{id}', { ...byId(id), body }),
};
