import type {
  AgentView,
  AuditEntryView,
  AuditVerifyView,
  UserAccountView,
  CardView,
  DoorView,
  EventView,
  Locale,
  LoginResponse,
  Page,
  PersonView,
  UserView,
  ZoneView,
  HealthView,
  LockdownView,
} from '@acs/shared/api/views';
import type { ReaderKeyOperationView, ReaderView } from '@acs/shared/readers/reader-views';
import type { AlertView } from '@acs/shared/api/alerts';
import type { UserRole } from '@acs/shared/access/model';
import { apiRequest } from './api-client';

export interface EventQuery {
  limit?: number | undefined;
  /** Cursor from a previous page's `next`. */
  before?: string | undefined;
  doorId?: string | undefined;
  personId?: string | undefined;
  zoneId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  kind?: 'access' | 'door' | 'device' | undefined;
}

export interface AuditQuery {
  limit?: number | undefined;
  /** Cursor from a previous page's `next`. */
  before?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
}

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  role: UserRole;
  password: string;
  personId?: string | undefined;
}

export interface LockdownCommand {
  scope: 'site' | 'zone';
  zoneId?: string;
  reason?: string;
}

export interface UserChanges {
  role?: UserRole;
  disabled?: boolean;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every REST call the dashboard makes, typed with the shared view contracts. */
export const api = {
  health: (signal?: AbortSignal) => apiRequest<HealthView>('GET', '/api/health', undefined, { auth: false, signal }),
  login: (username: string, password: string) =>
    apiRequest<LoginResponse>('POST', '/api/auth/login', { username, password }, { auth: false }),
  logout: () => apiRequest<unknown>('POST', '/api/auth/logout'),
  me: (signal?: AbortSignal) => apiRequest<UserView>('GET', '/api/auth/me', undefined, { signal }),
  updateMe: (changes: { locale: Locale }) => apiRequest<UserView>('PATCH', '/api/auth/me', changes),
  zones: (signal?: AbortSignal) => apiRequest<ZoneView[]>('GET', '/api/zones', undefined, { signal }),
  doors: (signal?: AbortSignal) => apiRequest<DoorView[]>('GET', '/api/doors', undefined, { signal }),
  people: (signal?: AbortSignal) => apiRequest<PersonView[]>('GET', '/api/people', undefined, { signal }),
  cards: (signal?: AbortSignal) => apiRequest<CardView[]>('GET', '/api/cards', undefined, { signal }),
  agents: (signal?: AbortSignal) => apiRequest<AgentView[]>('GET', '/api/agents', undefined, { signal }),
  events: (params: EventQuery = {}, signal?: AbortSignal) =>
    apiRequest<Page<EventView>>('GET', `/api/events${query({ ...params })}`, undefined, { signal }),
  readers: (signal?: AbortSignal) => apiRequest<ReaderView[]>('GET', '/api/readers', undefined, { signal }),
  openProvisioningWindow: (readerId: string, minutes: number) =>
    apiRequest<ReaderKeyOperationView>('POST', `/api/readers/${encodeURIComponent(readerId)}/provisioning-window`, { minutes }),
  installReaderKey: (readerId: string) => apiRequest<ReaderKeyOperationView>('POST', `/api/readers/${encodeURIComponent(readerId)}/keys`, {}),
  audit: (params: AuditQuery = {}, signal?: AbortSignal) =>
    apiRequest<Page<AuditEntryView>>('GET', `/api/audit${query({ ...params })}`, undefined, { signal }),
  verifyAudit: () => apiRequest<AuditVerifyView>('GET', '/api/audit/verify'),
  users: (signal?: AbortSignal) => apiRequest<UserAccountView[]>('GET', '/api/users', undefined, { signal }),
  createUser: (user: NewUser) => apiRequest<UserAccountView>('POST', '/api/users', user),
  alerts: (scope: 'active' | 'recent', signal?: AbortSignal) => apiRequest<AlertView[]>('GET', `/api/alerts?scope=${scope}`, undefined, { signal }),
  acknowledgeAlert: (id: string, note: string) => apiRequest<AlertView>('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, { note }),
  lockdown: (signal?: AbortSignal) => apiRequest<LockdownView>('GET', '/api/lockdown', undefined, { signal }),
  startLockdown: (body: LockdownCommand) => apiRequest<LockdownView>('POST', '/api/lockdown/start', body),
  endLockdown: (body: LockdownCommand) => apiRequest<LockdownView>('POST', '/api/lockdown/end', body),
  updateUser: (id: string, changes: UserChanges) => apiRequest<UserAccountView>('PATCH', `/api/users/${encodeURIComponent(id)}`, changes),
};
