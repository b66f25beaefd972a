import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type NewUser = Dto<'CreateUserDto'>;
export type UserChanges = Dto<'UpdateUserDto'>;

export const userKeys = { all: ['users'] as const };

/** Sign-in accounts and their roles. */
export const userQueries = {
  list: queryOptions({ queryKey: userKeys.all, queryFn: ({ signal }) => http.get('/api/users', { signal }) }),
};

export const usersApi = {
  create: (user: NewUser) => http.post('/api/users', { body: user }),
  update: (id: string, changes: UserChanges) => http.patch('/api/users/{id}', { ...byId(id), body: changes }),
};
