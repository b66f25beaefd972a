/**
 * Accounts and sign-in: who uses the dashboard, in which language, and how records name a user.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */
import type { UserRole } from '../access/model.js';

export type Locale = 'zh-CN' | 'en';

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  personId: string | null;
  locale: Locale;
}

export interface LoginResponse {
  token: string;
  expiresAt: number;
  user: UserView;
}

/** An account as administrators see it (`GET /api/users`). */
export interface UserAccountView extends UserView {
  /** A disabled account cannot sign in and its sessions have ended. */
  disabled: boolean;
  createdAt: number;
}

/** A user named on a record (who requested, approved, decided…). */
export interface UserRef {
  id: string;
  name: string;
}
