import { createContext, useCallback, useContext, useEffect, useEffectEvent, useMemo, useState, type ReactNode } from 'react';
import type { UserView } from '@acs/shared/api/users';
import { QueryObserver, useQueryClient } from '@tanstack/react-query';
import { authApi, authKeys } from '../api/auth';
import { ApiRequestError, onUnauthorized } from '../api/client';
import { applyLocale, currentLocale, takeSignedOutChoice } from '../i18n/i18n';
import { clearToken, readToken, saveToken } from './token-store';

export type AuthStatus = 'checking' | 'signed-in' | 'signed-out' | 'unreachable';

/** Why the user is on the sign-in page, when it was not their own doing. */
export type SignedOutReason = 'expired' | null;

interface AuthState {
  status: AuthStatus;
  user: UserView | null;
  token: string | null;
  reason: SignedOutReason;
}

// Function properties, not methods: each is a closure that components take out of the context
// and pass on (`const { signOut } = useAuth()`), with no `this` to lose.
export interface AuthContextValue extends AuthState {
  /** Throws ApiRequestError (`invalid_credentials`, `too_many_attempts`, unreachable...). */
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => void;
  setUser: (user: UserView) => void;
  /** Try restoring the session again after the server was unreachable. */
  retry: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

const SIGNED_OUT: AuthState = { status: 'signed-out', user: null, token: null, reason: null };

async function settleLocale(user: UserView, chosenBeforeSignIn: boolean): Promise<UserView> {
  const chosen = currentLocale();
  if (chosenBeforeSignIn && chosen !== user.locale) {
    try {
      return await authApi.updateMe({ locale: chosen });
    } catch {
      return user;
    }
  }
  await applyLocale(user.locale);
  return user;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(() => {
    const token = readToken();
    return token ? { status: 'checking', user: null, token, reason: null } : SIGNED_OUT;
  });
  const [attempt, setAttempt] = useState(0);
  const queryClient = useQueryClient();

  // Reads the status at the time of the 401, not the one the effect below was set up with.
  const expire = useEffectEvent(() => {
    if (state.status === 'signed-out') return;
    clearToken();
    queryClient.clear();
    setState({ ...SIGNED_OUT, reason: 'expired' });
  });
  useEffect(() => {
    onUnauthorized(() => expire());
    return () => onUnauthorized(null);
  }, []);

  // Restore a session kept in sessionStorage (page reload): the query's outcome, once it
  // comes, moves the session on; one that comes after the session moved on otherwise is dropped.
  const restoring = state.status === 'checking' || state.status === 'unreachable' ? state.token : null;
  useEffect(() => {
    if (restoring === null) return;
    const restore = new QueryObserver(queryClient, {
      queryKey: [...authKeys.me, 'restore', restoring, attempt],
      queryFn: async ({ signal }) => settleLocale(await authApi.me(signal), false),
      gcTime: 0,
    });
    return restore.subscribe(({ data, error }) => {
      if (data) {
        setState({ status: 'signed-in', user: data, token: restoring, reason: null });
      } else if (error) {
        if (error instanceof ApiRequestError && error.unreachable) {
          setState({ status: 'unreachable', user: null, token: restoring, reason: null });
        } else {
          clearToken();
          setState({ ...SIGNED_OUT, reason: error instanceof ApiRequestError && error.status === 401 ? 'expired' : null });
        }
      }
    });
  }, [queryClient, restoring, attempt]);

  const signIn = useCallback(async (username: string, password: string) => {
    const response = await authApi.login(username, password);
    saveToken(response.token);
    const user = await settleLocale(response.user, takeSignedOutChoice());
    setState({ status: 'signed-in', user, token: response.token, reason: null });
  }, []);

  const signOut = useCallback(() => {
    // The client reads the token as the request leaves, before it is cleared here.
    void authApi.logout().catch(() => undefined);
    clearToken();
    // The next user of this tab must not see the last one's data.
    queryClient.clear();
    setState(SIGNED_OUT);
  }, [queryClient]);

  const setUser = useCallback((user: UserView) => setState((current) => ({ ...current, user })), []);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo<AuthContextValue>(() => ({ ...state, signIn, signOut, setUser, retry }), [state, signIn, signOut, setUser, retry]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only for components rendered behind RequireAuth. */
export function useSignedInUser(): UserView {
  const { user } = useAuth();
  if (!user) throw new Error('useSignedInUser without a signed-in user');
  return user;
}
