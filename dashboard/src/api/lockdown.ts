import { type Dto, http } from './client';

export type LockdownCommand = Dto<'LockdownCommandDto'>;

export const lockdownKeys = { state: ['lockdown'] as const };

export const lockdownApi = {
  state: (signal?: AbortSignal) => http.get('/api/lockdown', { signal }),
  start: (body: LockdownCommand) => http.post('/api/lockdown/start', { body }),
  end: (body: LockdownCommand) => http.post('/api/lockdown/end', { body }),
};
