import { lazy, type ComponentType, type ReactNode } from 'react';
import {
  ApartmentOutlined,
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  ContactsOutlined,
  LaptopOutlined,
  SolutionOutlined,
  UnorderedListOutlined,
  WarningOutlined,
  CreditCardOutlined,
  FileSearchOutlined,
  FormOutlined,
  IdcardOutlined,
  KeyOutlined,
  LoginOutlined,
  MonitorOutlined,
  SafetyOutlined,
  ScanOutlined,
  ScheduleOutlined,
  SendOutlined,
  SettingOutlined,
  TeamOutlined,
  UserDeleteOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import type { UserRole } from '@acs/shared/access/model';
import { LiveMonitorPage } from './pages/live/live-monitor-page';

export type NavKey =
  | 'live'
  | 'zones'
  | 'doors'
  | 'people'
  | 'cards'
  | 'schedules'
  | 'permissions'
  | 'requests'
  | 'reviews'
  | 'proof'
  | 'leavers'
  | 'readers'
  | 'site'
  | 'myAccess'
  | 'requestAccess'
  | 'audit'
  | 'users'
  | 'alerts'
  | 'reception'
  | 'visits'
  | 'onSite'
  | 'equipment'
  | 'incidents'
  | 'reports';

export interface AppRoute {
  /** Also the i18n key `nav.<key>` and the test id `nav-<key>`. */
  key: NavKey;
  path: string;
  roles: readonly UserRole[];
  icon: ReactNode;
  Page: ComponentType;
}

function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const ZonesPage = lazyPage(() => import('./pages/zones/zones-page'), 'ZonesPage');
const DoorsPage = lazyPage(() => import('./pages/doors/doors-page'), 'DoorsPage');
const PeoplePage = lazyPage(() => import('./pages/people/people-page'), 'PeoplePage');
const CardsPage = lazyPage(() => import('./pages/cards/cards-page'), 'CardsPage');
const AuditPage = lazyPage(() => import('./pages/audit/audit-page'), 'AuditPage');
const UsersPage = lazyPage(() => import('./pages/users/users-page'), 'UsersPage');
const SchedulesPage = lazyPage(() => import('./pages/schedules/schedules-page'), 'SchedulesPage');
const PermissionsPage = lazyPage(() => import('./pages/permissions/permissions-page'), 'PermissionsPage');
const RequestsPage = lazyPage(() => import('./pages/requests/requests-page'), 'RequestsPage');
const ReviewsPage = lazyPage(() => import('./pages/reviews/reviews-page'), 'ReviewsPage');
const ProofPage = lazyPage(() => import('./pages/proof/proof-page'), 'ProofPage');
const LeaversPage = lazyPage(() => import('./pages/leavers/leavers-page'), 'LeaversPage');
const SitePage = lazyPage(() => import('./pages/site/site-page'), 'SitePage');
const MyAccessPage = lazyPage(() => import('./pages/my-access/my-access-page'), 'MyAccessPage');
const RequestAccessPage = lazyPage(() => import('./pages/my-access/request-access-page'), 'RequestAccessPage');
const ReadersPage = lazyPage(() => import('./pages/readers/readers-page'), 'ReadersPage');
const AlertsPage = lazyPage(() => import('./pages/alerts/alerts-page'), 'AlertsPage');
const ReceptionPage = lazyPage(() => import('./pages/reception/reception-page'), 'ReceptionPage');
const VisitsPage = lazyPage(() => import('./pages/reception/visits-page'), 'VisitsPage');
const OnSitePage = lazyPage(() => import('./pages/reception/on-site-page'), 'OnSitePage');
const EquipmentPage = lazyPage(() => import('./pages/equipment/equipment-page'), 'EquipmentPage');
const IncidentsPage = lazyPage(() => import('./pages/incidents/incidents-page'), 'IncidentsPage');
const ReportsPage = lazyPage(() => import('./pages/reports/reports-page'), 'ReportsPage');

// Keyed by role so a new role in @acs/shared is a compile error here; a type-only import
// keeps zod (which access/model uses at run time) out of the browser bundle.
const EVERY_ROLE: Record<UserRole, true> = { admin: true, guard: true, employee: true, auditor: true };
const ALL_ROLES = Object.keys(EVERY_ROLE) as UserRole[];
const SITE_READERS: readonly UserRole[] = ['admin', 'guard', 'auditor'];
const EMPLOYEES: readonly UserRole[] = ['employee'];

/** Pages in navigation order, each with the roles that may open it. */
export const APP_ROUTES: readonly AppRoute[] = [
  { key: 'live', path: '/live', roles: ALL_ROLES, icon: <MonitorOutlined />, Page: LiveMonitorPage },
  { key: 'alerts', path: '/alerts', roles: SITE_READERS, icon: <AlertOutlined />, Page: AlertsPage },
  { key: 'incidents', path: '/incidents', roles: ALL_ROLES, icon: <WarningOutlined />, Page: IncidentsPage },
  { key: 'reports', path: '/reports', roles: SITE_READERS, icon: <BarChartOutlined />, Page: ReportsPage },
  { key: 'reception', path: '/reception', roles: ['admin', 'guard'], icon: <SolutionOutlined />, Page: ReceptionPage },
  { key: 'visits', path: '/visits', roles: ALL_ROLES, icon: <ContactsOutlined />, Page: VisitsPage },
  { key: 'onSite', path: '/on-site', roles: SITE_READERS, icon: <UnorderedListOutlined />, Page: OnSitePage },
  { key: 'equipment', path: '/equipment', roles: ALL_ROLES, icon: <LaptopOutlined />, Page: EquipmentPage },
  { key: 'zones', path: '/zones', roles: SITE_READERS, icon: <ApartmentOutlined />, Page: ZonesPage },
  { key: 'doors', path: '/doors', roles: SITE_READERS, icon: <LoginOutlined />, Page: DoorsPage },
  { key: 'people', path: '/people', roles: SITE_READERS, icon: <TeamOutlined />, Page: PeoplePage },
  // Employees see their own cards here ("my cards").
  { key: 'cards', path: '/cards', roles: [...SITE_READERS, 'employee'], icon: <CreditCardOutlined />, Page: CardsPage },
  { key: 'myAccess', path: '/my-access', roles: EMPLOYEES, icon: <IdcardOutlined />, Page: MyAccessPage },
  { key: 'requestAccess', path: '/request-access', roles: EMPLOYEES, icon: <SendOutlined />, Page: RequestAccessPage },
  { key: 'schedules', path: '/schedules', roles: SITE_READERS, icon: <ScheduleOutlined />, Page: SchedulesPage },
  { key: 'permissions', path: '/permissions', roles: ['admin', 'auditor'], icon: <KeyOutlined />, Page: PermissionsPage },
  // Employees who own zones decide requests and review access to them here.
  { key: 'requests', path: '/requests', roles: ALL_ROLES, icon: <FormOutlined />, Page: RequestsPage },
  { key: 'reviews', path: '/reviews', roles: ALL_ROLES, icon: <AuditOutlined />, Page: ReviewsPage },
  { key: 'proof', path: '/proof', roles: SITE_READERS, icon: <SafetyOutlined />, Page: ProofPage },
  { key: 'leavers', path: '/leavers', roles: SITE_READERS, icon: <UserDeleteOutlined />, Page: LeaversPage },
  { key: 'readers', path: '/readers', roles: SITE_READERS, icon: <ScanOutlined />, Page: ReadersPage },
  { key: 'site', path: '/site', roles: SITE_READERS, icon: <SettingOutlined />, Page: SitePage },
  { key: 'audit', path: '/audit', roles: ['admin', 'auditor'], icon: <FileSearchOutlined />, Page: AuditPage },
  { key: 'users', path: '/users', roles: ['admin'], icon: <UserSwitchOutlined />, Page: UsersPage },
];

export const HOME_PATH = '/live';

export function routesFor(role: UserRole): AppRoute[] {
  return APP_ROUTES.filter((route) => route.roles.includes(role));
}
