import { queryOptions } from '@tanstack/react-query';
import { byId, http } from './client';

export const readerKeys = { all: ['readers'] as const };

export const readerQueries = {
  list: queryOptions({ queryKey: readerKeys.all, queryFn: ({ signal }) => listReaders(signal) }),
};

export function listReaders(signal?: AbortSignal) {
  return http.get('/api/readers', { signal });
}

/** OSDP readers and their secure-channel keys. */
export const readersApi = {
  openProvisioningWindow: (readerId: string, minutes: number) =>
    http.post('/api/readers/{id}/provisioning-window', { ...byId(readerId), body: { minutes } }),
  installKey: (readerId: string) => http.post('/api/readers/{id}/keys', byId(readerId)),
};
