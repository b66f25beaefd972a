import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { UserView } from '@acs/shared/api/users';
import { ApiRequestError, onUnauthorized } from '../api/api-client';
import { api } from '../api/endpoints';
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

export interface AuthContextValue extends AuthState {
  /** Throws ApiRequestError (`invalid_credentials`, `too_many_attempts`, unreachable...). */
  signIn(username: string, password: string): Promise<void>;
  signOut(): void;
  setUser(user: UserView): void;
  /** Try restoring the session again after the server was unreachable. */
  retry(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

const SIGNED_OUT: AuthState = { status: 'signed-out', user: null, token: null, reason: null };

async function settleLocale(user: UserView, chosenBeforeSignIn: boolean): Promise<UserView> {
  const chosen = currentLocale();
  if (chosenBeforeSignIn && chosen !== user.locale) {
    try {
      return await api.updateMe({ locale: chosen });
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
  const statusRef = useRef(state.status);
  statusRef.current = state.status;
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    onUnauthorized(() => {
      if (statusRef.current === 'signed-out') return;
      clearToken();
      setState({ ...SIGNED_OUT, reason: 'expired' });
    });
    return () => onUnauthorized(null);
  }, []);

  // Restore a session kept in sessionStorage (page reload).
  useEffect(() => {
    const token = readToken();
    if (!token) return;
    const controller = new AbortController();
    api.me(controller.signal).then(
      async (user) => {
        const settled = await settleLocale(user, false);
        if (!controller.signal.aborted) setState({ status: 'signed-in', user: settled, token, reason: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiRequestError && error.unreachable) {
          setState({ status: 'unreachable', user: null, token, reason: null });
        } else {
          clearToken();
          setState({ ...SIGNED_OUT, reason: error instanceof ApiRequestError && error.status === 401 ? 'expired' : null });
        }
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const signIn = useCallback(async (username: string, password: string) => {
    const response = await api.login(username, password);
    saveToken(response.token);
    const user = await settleLocale(response.user, takeSignedOutChoice());
    setState({ status: 'signed-in', user, token: response.token, reason: null });
  }, []);

  const signOut = useCallback(() => {
    // apiRequest reads the token synchronously, so the logout call still carries it.
    void api.logout().catch(() => undefined);
    clearToken();
    setState(SIGNED_OUT);
  }, []);

  const setUser = useCallback((user: UserView) => setState((current) => ({ ...current, user })), []);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo<AuthContextValue>(
    () => ({ ...state, signIn, signOut, setUser, retry }),
    [state, signIn, signOut, setUser, retry],
  );
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
