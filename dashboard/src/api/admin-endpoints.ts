import type { CardStatus, CardType, AntiPassbackMode } from '@acs/shared/access/model';
import type {
  AccessRequestStatus,
  AccessRequestView,
  AgentLagView,
  CardHistoryView,
  CardTransitionResult,
  CardView,
  DepartmentView,
  DepartmentZoneView,
  DoorFailMode,
  DoorView,
  GrantView,
  HolidayView,
  LeaverView,
  PersonKind,
  PersonStatus,
  PersonView,
  ReviewCampaignDetailView,
  ReviewCampaignView,
  ReviewDecision,
  ReviewItemView,
  RevocationProofView,
  SiteView,
  ZoneView,
} from '@acs/shared/api/views';
import type { Schedule, ScheduleWindow } from '@acs/shared/mqtt/payloads';
import { readToken } from '../auth/token-store';
import { ApiRequestError, apiRequest } from './api-client';

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

export interface ZoneInput {
  id?: string;
  name?: string;
  level?: number;
  parentId?: string | null;
  ownerPersonId?: string | null;
  antiPassback?: AntiPassbackMode;
  twoPerson?: boolean;
}

export interface DoorInput {
  id?: string;
  name?: string;
  fromZoneId?: string;
  toZoneId?: string;
  agentId?: string | null;
  releaseMs?: number;
  heldOpenMs?: number;
  failMode?: DoorFailMode;
}

export interface ScheduleInput {
  id?: string;
  name?: string;
  windows?: ScheduleWindow[];
  holidays?: 'closed' | 'normal';
}

export interface SiteInput {
  name?: string;
  timeZone?: string;
  holidays?: HolidayView[];
  levelNames?: Record<string, string>;
  cardTypes?: Partial<Record<CardType, { ceiling?: number; validityDays?: number | null }>>;
  doorRules?: { escortWindowSec?: number; twoPersonWindowSec?: number; offlineLimitHours?: Partial<Record<CardType, number | null>> };
}

export interface PersonInput {
  name?: string | undefined;
  kind?: PersonKind | undefined;
  department?: string | null;
  email?: string | null;
  status?: PersonStatus;
}

export interface CardRequestInput {
  credential?: string;
  format?: string;
  cardNumber?: string;
  type: CardType;
  personId?: string | null;
  validUntil?: number | null;
  note?: string;
}

export interface GrantInput {
  personId: string;
  zoneId: string;
  scheduleId?: string | null;
  validUntil?: number | null;
}

export interface AccessRequestInput {
  zoneId: string;
  scheduleId?: string | null;
  until?: number | null;
  reason: string;
}

/** REST calls of the admin and employee pages of issue 4. */
export const adminApi = {
  site: (signal?: AbortSignal) => apiRequest<SiteView>('GET', '/api/site', undefined, { signal }),
  updateSite: (body: SiteInput) => apiRequest<SiteView>('PATCH', '/api/site', body),

  createZone: (body: ZoneInput) => apiRequest<ZoneView>('POST', '/api/zones', body),
  updateZone: (id: string, body: ZoneInput) => apiRequest<ZoneView>('PATCH', `/api/zones/${enc(id)}`, body),
  deleteZone: (id: string) => apiRequest<void>('DELETE', `/api/zones/${enc(id)}`),

  createDoor: (body: DoorInput) => apiRequest<DoorView>('POST', '/api/doors', body),
  updateDoor: (id: string, body: DoorInput) => apiRequest<DoorView>('PATCH', `/api/doors/${enc(id)}`, body),
  deleteDoor: (id: string) => apiRequest<void>('DELETE', `/api/doors/${enc(id)}`),

  schedules: (signal?: AbortSignal) => apiRequest<Schedule[]>('GET', '/api/schedules', undefined, { signal }),
  createSchedule: (body: ScheduleInput) => apiRequest<Schedule>('POST', '/api/schedules', body),
  updateSchedule: (id: string, body: ScheduleInput) => apiRequest<Schedule>('PATCH', `/api/schedules/${enc(id)}`, body),
  deleteSchedule: (id: string) => apiRequest<void>('DELETE', `/api/schedules/${enc(id)}`),

  departments: (signal?: AbortSignal) => apiRequest<DepartmentView[]>('GET', '/api/departments', undefined, { signal }),
  createDepartment: (body: { name: string; defaultZones: DepartmentZoneView[] }) => apiRequest<DepartmentView>('POST', '/api/departments', body),
  updateDepartment: (id: string, body: { name?: string; defaultZones?: DepartmentZoneView[] }) =>
    apiRequest<DepartmentView>('PATCH', `/api/departments/${enc(id)}`, body),
  deleteDepartment: (id: string) => apiRequest<void>('DELETE', `/api/departments/${enc(id)}`),

  createPerson: (body: PersonInput) => apiRequest<PersonView>('POST', '/api/people', body),
  updatePerson: (id: string, body: PersonInput) => apiRequest<PersonView>('PATCH', `/api/people/${enc(id)}`, body),

  requestCard: (body: CardRequestInput) => apiRequest<CardView>('POST', '/api/cards', body),
  transitionCard: (id: string, to: CardStatus, note?: string) =>
    apiRequest<CardTransitionResult>('POST', `/api/cards/${enc(id)}/transition`, { to, ...(note ? { note } : {}) }),
  replaceCard: (id: string, body: { format: string; cardNumber: string; note?: string }) =>
    apiRequest<CardView>('POST', `/api/cards/${enc(id)}/replacement`, body),
  updateCard: (id: string, body: { lockdownAccess?: boolean }) => apiRequest<CardView>('PATCH', `/api/cards/${enc(id)}`, body),
  cardHistory: (id: string, signal?: AbortSignal) => apiRequest<CardHistoryView[]>('GET', `/api/cards/${enc(id)}/history`, undefined, { signal }),

  grants: (params: { personId?: string; zoneId?: string } = {}, signal?: AbortSignal) =>
    apiRequest<GrantView[]>('GET', `/api/grants${query(params)}`, undefined, { signal }),
  createGrant: (body: GrantInput) => apiRequest<GrantView>('POST', '/api/grants', body),
  revokeGrant: (id: string) => apiRequest<void>('DELETE', `/api/grants/${enc(id)}`),

  accessRequests: (params: { status?: AccessRequestStatus; scope?: 'mine' | 'to-decide' | 'all' } = {}, signal?: AbortSignal) =>
    apiRequest<AccessRequestView[]>('GET', `/api/access-requests${query(params)}`, undefined, { signal }),
  createAccessRequest: (body: AccessRequestInput) => apiRequest<AccessRequestView>('POST', '/api/access-requests', body),
  approveRequest: (id: string, reason?: string) =>
    apiRequest<AccessRequestView>('POST', `/api/access-requests/${enc(id)}/approve`, reason ? { reason } : {}),
  refuseRequest: (id: string, reason: string) => apiRequest<AccessRequestView>('POST', `/api/access-requests/${enc(id)}/refuse`, { reason }),
  cancelRequest: (id: string) => apiRequest<AccessRequestView>('POST', `/api/access-requests/${enc(id)}/cancel`),

  reviews: (signal?: AbortSignal) => apiRequest<ReviewCampaignView[]>('GET', '/api/reviews', undefined, { signal }),
  review: (id: string, signal?: AbortSignal) => apiRequest<ReviewCampaignDetailView>('GET', `/api/reviews/${enc(id)}`, undefined, { signal }),
  startReview: (body: { name?: string; zoneIds?: string[] }) => apiRequest<ReviewCampaignDetailView>('POST', '/api/reviews', body),
  decideReview: (campaignId: string, itemId: string, decision: ReviewDecision, note?: string) =>
    apiRequest<ReviewItemView>('POST', `/api/reviews/${enc(campaignId)}/items/${enc(itemId)}/decision`, { decision, ...(note ? { note } : {}) }),
  closeReview: (id: string) => apiRequest<ReviewCampaignView>('POST', `/api/reviews/${enc(id)}/close`),

  revocations: (limit = 20, signal?: AbortSignal) => apiRequest<RevocationProofView[]>('GET', `/api/revocations${query({ limit })}`, undefined, { signal }),
  revocation: (version: number, signal?: AbortSignal) => apiRequest<RevocationProofView>('GET', `/api/revocations/${version}`, undefined, { signal }),
  agentLag: (signal?: AbortSignal) => apiRequest<AgentLagView[]>('GET', '/api/agents/lag', undefined, { signal }),
  leavers: (signal?: AbortSignal) => apiRequest<LeaverView[]>('GET', '/api/reports/leavers', undefined, { signal }),
};

/**
 * Downloads an export with the session's token (a plain link could not send it). Long
 * exports stream: `onProgress` hears the bytes received so far, so the page can show it.
 */
export async function downloadCsv(path: string, filename: string, onProgress?: (bytes: number) => void): Promise<void> {
  const token = readToken();
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = (await response.json()) as { error?: string; message?: string | string[] };
      message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? message);
      throw new ApiRequestError(response.status, body.error ?? `http_${response.status}`, message);
    } catch (error) {
      if (error instanceof ApiRequestError) throw error;
      throw new ApiRequestError(response.status, `http_${response.status}`, message);
    }
  }
  let blob: Blob;
  if (onProgress && response.body) {
    const parts: Uint8Array[] = [];
    let bytes = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.length;
      onProgress(bytes);
    }
    blob = new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
  } else {
    blob = await response.blob();
  }
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
