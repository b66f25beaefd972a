import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type ScheduleInput = Dto<'CreateScheduleDto'>;

export const scheduleKeys = { all: ['schedules'] as const };

export const scheduleQueries = {
  list: queryOptions({ queryKey: scheduleKeys.all, queryFn: ({ signal }) => http.get('/api/schedules', { signal }) }),
};

export const schedulesApi = {
  create: (body: ScheduleInput) => http.post('/api/schedules', { body }),
  update: (id: string, body: Dto<'UpdateScheduleDto'>) => http.patch('/api/schedules/{id}', { ...byId(id), body }),
  remove: (id: string) => http.delete('/api/schedules/{id}', byId(id)),
};
