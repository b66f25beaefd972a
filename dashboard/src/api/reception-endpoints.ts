import type { CheckpointDecision, DataHandling, EquipmentKind, EquipmentView, GatePassType, GatePassView, MovementView, SealView } from '@acs/shared/api/equipment';
import type { IdDocumentType, OnSiteList, PoolCardView, VisitorItem, VisitView } from '@acs/shared/api/reception';
import { apiRequest } from './api-client';

const id = (value: string) => encodeURIComponent(value);

export interface NewVisit {
  visitorName: string;
  visitorCompany?: string | null;
  visitorPhone?: string | null;
  hostPersonId?: string;
  purpose: string;
  zoneIds: string[];
  windowStart?: number;
  windowEnd: number;
  escortPersonIds?: string[];
}

export interface CheckIn {
  cardNumber?: string | undefined;
  useQr?: boolean;
  identity?: { idDocumentType: IdDocumentType; idNumber: string };
  photoConsent?: boolean;
  items?: VisitorItem[];
}

/** Reception and equipment calls (issue 5). */
export const receptionApi = {
  visits: (scope: 'today' | 'active' | 'pending' | 'history' | 'mine', signal?: AbortSignal) => apiRequest<VisitView[]>('GET', `/api/visits?scope=${scope}`, undefined, { signal }),
  /** The visitor log: visits whose window starts in [from, to), newest first (at most 2,000). */
  visitLog: (from: number, to: number, q?: string) =>
    apiRequest<VisitView[]>('GET', `/api/visits?${new URLSearchParams({ scope: 'history', from: String(from), to: String(to), ...(q ? { q } : {}) })}`),
  walkIn: (visit: NewVisit) => apiRequest<VisitView>('POST', '/api/visits/walk-in', visit),
  invite: (visit: NewVisit) => apiRequest<VisitView>('POST', '/api/visits', visit),
  hostDecision: (visitId: string, decision: 'approved' | 'denied', note?: string) => apiRequest<VisitView>('POST', `/api/visits/${id(visitId)}/host-decision`, { decision, note }),
  watchlistDecision: (visitId: string, decision: 'allowed' | 'refused', note: string) => apiRequest<VisitView>('POST', `/api/visits/${id(visitId)}/watchlist-decision`, { decision, note }),
  checkIn: (visitId: string, body: CheckIn) => apiRequest<VisitView>('POST', `/api/visits/${id(visitId)}/check-in`, body),
  /** After check-in with consent: the photo, already shrunk (see shrinkPhoto), as a multipart upload. */
  uploadPhoto: (visitId: string, photo: Blob) => {
    const form = new FormData();
    form.set('photo', photo, 'visitor.jpg');
    return apiRequest<VisitView>('PUT', `/api/visits/${id(visitId)}/photo`, form);
  },
  signOut: (visitId: string, body: { items?: VisitorItem[]; itemsDecision?: string }) => apiRequest<VisitView>('POST', `/api/visits/${id(visitId)}/sign-out`, body),
  cancel: (visitId: string) => apiRequest<VisitView>('POST', `/api/visits/${id(visitId)}/cancel`),
  onSite: (signal?: AbortSignal) => apiRequest<OnSiteList>('GET', '/api/reception/on-site', undefined, { signal }),
  pool: (signal?: AbortSignal) => apiRequest<PoolCardView[]>('GET', '/api/reception/pool', undefined, { signal }),

  equipment: (signal?: AbortSignal) => apiRequest<EquipmentView[]>('GET', '/api/equipment', undefined, { signal }),
  registerEquipment: (body: { assetTag: string; kind: EquipmentKind; description: string; serial?: string; ownerPersonId?: string; homeZoneId?: string; storesData?: boolean }) =>
    apiRequest<EquipmentView>('POST', '/api/equipment', body),
  returnToService: (equipmentId: string, check: 'intact' | 'tamper_free', note: string) => apiRequest<EquipmentView>('POST', `/api/equipment/${id(equipmentId)}/return-to-service`, { check, note }),
  passes: (signal?: AbortSignal) => apiRequest<GatePassView[]>('GET', '/api/gate-passes', undefined, { signal }),
  requestPass: (body: { assetTag: string; type: GatePassType; reason: string; expectedReturnAt?: number; dataHandling?: DataHandling; dataHandlingNote?: string }) =>
    apiRequest<GatePassView>('POST', '/api/gate-passes', body),
  decidePass: (passId: string, decision: 'approved' | 'rejected', note?: string) => apiRequest<GatePassView>('POST', `/api/gate-passes/${id(passId)}/decision`, { decision, note }),
  recordDataHandling: (passId: string, dataHandling: DataHandling, note: string) => apiRequest<GatePassView>('POST', `/api/gate-passes/${id(passId)}/data-handling`, { dataHandling, note }),
  checkpoint: (body: { assetTag: string; passNumber?: string; direction: 'out' | 'in' }) => apiRequest<CheckpointDecision>('POST', '/api/equipment/checkpoint', body),
  mediaCheck: (body: { assetTag?: string; description: string; zoneId: string; personId?: string }) =>
    apiRequest<{ decision: 'allow' | 'stop'; violation: boolean; detail: string }>('POST', '/api/equipment/media-check', body),
  seals: (signal?: AbortSignal) => apiRequest<SealView[]>('GET', '/api/seals', undefined, { signal }),
  applySeal: (body: { number: string; assetTag?: string; location?: string }) => apiRequest<SealView>('POST', '/api/seals', body),
  inspectSeal: (sealId: string, result: 'intact' | 'broken', note?: string) => apiRequest<SealView>('POST', `/api/seals/${id(sealId)}/inspect`, { result, note }),
  replaceSeal: (sealId: string, newNumber: string, note: string) => apiRequest<SealView>('POST', `/api/seals/${id(sealId)}/replace`, { newNumber, note }),
  movements: (signal?: AbortSignal) => apiRequest<MovementView[]>('GET', '/api/equipment/movements?limit=300', undefined, { signal }),
};
