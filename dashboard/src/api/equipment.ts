import { queryOptions } from '@tanstack/react-query';
import type { DataHandling } from '@acs/shared/api/equipment';
import { byId, type Dto, http } from './client';

export const equipmentKeys = {
  all: ['equipment'] as const,
  passes: ['gate-passes'] as const,
  seals: ['seals'] as const,
  movements: ['equipment', 'movements'] as const,
};

/** Equipment, gate passes, the exit checkpoint, storage-media checks and seals. */
export const equipmentQueries = {
  list: queryOptions({ queryKey: equipmentKeys.all, queryFn: ({ signal }) => http.get('/api/equipment', { signal }) }),
  passes: queryOptions({ queryKey: equipmentKeys.passes, queryFn: ({ signal }) => listGatePasses(signal) }),
  seals: queryOptions({ queryKey: equipmentKeys.seals, queryFn: ({ signal }) => http.get('/api/seals', { signal }) }),
  movements: queryOptions({
    queryKey: equipmentKeys.movements,
    queryFn: ({ signal }) => http.get('/api/equipment/movements', { params: { query: { limit: 300 } }, signal }),
  }),
};

export function listGatePasses(signal?: AbortSignal) {
  return http.get('/api/gate-passes', { signal });
}

/** What a change at the counter or the checkpoint can move: the register (and its movement log), passes, seals. */
export const EQUIPMENT_CHANGES = [equipmentKeys.all, equipmentKeys.passes, equipmentKeys.seals] as const;

export const equipmentApi = {
  register: (body: Dto<'CreateEquipmentDto'>) => http.post('/api/equipment', { body }),
  returnToService: (id: string, check: Dto<'ReturnToServiceDto'>['check'], note: string) =>
    http.post('/api/equipment/{id}/return-to-service', { ...byId(id), body: { check, note } }),
  requestPass: (body: Dto<'CreateGatePassDto'>) => http.post('/api/gate-passes', { body }),
  decidePass: (id: string, decision: Dto<'DecideGatePassDto'>['decision'], note?: string) =>
    http.post('/api/gate-passes/{id}/decision', { ...byId(id), body: { decision, note } }),
  recordDataHandling: (id: string, dataHandling: DataHandling, note: string) =>
    http.post('/api/gate-passes/{id}/data-handling', { ...byId(id), body: { dataHandling, note } }),
  checkpoint: (body: Dto<'CheckpointDto'>) => http.post('/api/equipment/checkpoint', { body }),
  mediaCheck: (body: Dto<'MediaCheckDto'>) => http.post('/api/equipment/media-check', { body }),
  applySeal: (body: Dto<'ApplySealDto'>) => http.post('/api/seals', { body }),
  inspectSeal: (id: string, result: Dto<'InspectSealDto'>['result'], note?: string) =>
    http.post('/api/seals/{id}/inspect', { ...byId(id), body: { result, note } }),
  replaceSeal: (id: string, newNumber: string, note: string) =>
    http.post('/api/seals/{id}/replace', { ...byId(id), body: { newNumber, note } }),
};
