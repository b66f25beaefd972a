import { queryOptions } from '@tanstack/react-query';
import { byId, type Dto, http } from './client';

export type SiteInput = Dto<'UpdateSiteDto'>;
export type DepartmentInput = Dto<'CreateDepartmentDto'>;

export const siteKeys = { site: ['site'] as const, departments: ['departments'] as const };

export const siteQueries = {
  site: queryOptions({ queryKey: siteKeys.site, queryFn: ({ signal }) => http.get('/api/site', { signal }) }),
  departments: queryOptions({ queryKey: siteKeys.departments, queryFn: ({ signal }) => http.get('/api/departments', { signal }) }),
};

/** The site's settings and its departments. */
export const siteApi = {
  update: (body: SiteInput) => http.patch('/api/site', { body }),
  createDepartment: (body: DepartmentInput) => http.post('/api/departments', { body }),
  updateDepartment: (id: string, body: Dto<'UpdateDepartmentDto'>) => http.patch('/api/departments/{id}', { ...byId(id), body }),
  deleteDepartment: (id: string) => http.delete('/api/departments/{id}', byId(id)),
};
