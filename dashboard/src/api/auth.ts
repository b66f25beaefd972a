import { queryOptions } from '@tanstack/react-query';
import { type Dto, http } from './client';

export const authKeys = { health: ['health'] as const, me: ['auth', 'me'] as const };

/** Sign-in, the session's user and the server's health (asked without a session). */
export const authApi = {
  health: (signal?: AbortSignal) => http.get('/api/health', { signal }),
  login: (username: string, password: string) => http.post('/api/auth/login', { body: { username, password } }),
  logout: () => http.post('/api/auth/logout'),
  me: (signal?: AbortSignal) => http.get('/api/auth/me', { signal }),
  updateMe: (changes: Dto<'UpdateMeDto'>) => http.patch('/api/auth/me', { body: changes }),
};

export const authQueries = {
  health: queryOptions({ queryKey: authKeys.health, queryFn: ({ signal }) => authApi.health(signal) }),
};
