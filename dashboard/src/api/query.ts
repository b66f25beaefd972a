import { useMemo } from 'react';
import { QueryClient, useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';

/**
 * The dashboard's one cache of server data. Each page asks for what it shows when it
 * mounts (staleTime 0), as before; errors are shown, not retried behind the user's back,
 * and a change invalidates the lists it affects.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

/**
 * A change to the server: on success, every query under `invalidates` is fetched again.
 * Pages run it through useAction (admin-kit) to show the outcome.
 */
export function useApiMutation<V, R>(mutationFn: (variables: V) => Promise<R>, invalidates: readonly QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => {
      for (const queryKey of invalidates) void queryClient.invalidateQueries({ queryKey });
    },
  });
}

// Calls with any arguments (a function taking `never` accepts them all): the wrapped object keeps each call's own signature.
type Calls = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * A domain's changes (e.g. zonesApi) as mutations: the same calls, run through one
 * useMutation that, on success, invalidates the lists they affect.
 */
export function useMutations<A extends Calls>(calls: A, invalidates: readonly QueryKey[]): A {
  const queryClient = useQueryClient();
  const { mutateAsync } = useMutation({
    mutationFn: (call: () => Promise<unknown>) => call(),
    onSuccess: () => {
      for (const queryKey of invalidates) void queryClient.invalidateQueries({ queryKey });
    },
  });
  // `invalidates` is read by useMutation's onSuccess, which always sees the latest options.
  return useMemo(
    () =>
      Object.fromEntries(Object.entries(calls).map(([name, call]) => [name, (...args: never[]) => mutateAsync(() => call(...args))])) as A,
    [calls, mutateAsync],
  );
}
