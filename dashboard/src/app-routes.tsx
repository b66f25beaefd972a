import { lazy, type ComponentType, type ReactNode } from 'react';
import { ApartmentOutlined, AuditOutlined, CreditCardOutlined, MonitorOutlined, TeamOutlined, LoginOutlined, UserSwitchOutlined } from '@ant-design/icons';
import type { UserRole } from '@acs/shared/access/model';
import { LiveMonitorPage } from './pages/live/live-monitor-page';

export type NavKey = 'live' | 'zones' | 'doors' | 'people' | 'cards' | 'audit' | 'users';

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

// Keyed by role so a new role in @acs/shared is a compile error here; a type-only import
// keeps zod (which access/model uses at run time) out of the browser bundle.
const EVERY_ROLE: Record<UserRole, true> = { admin: true, guard: true, employee: true, auditor: true };
const ALL_ROLES = Object.keys(EVERY_ROLE) as UserRole[];
const SITE_READERS: readonly UserRole[] = ['admin', 'guard', 'auditor'];

/** Pages in navigation order. Issues 4-6 add theirs here with the roles that may open them. */
export const APP_ROUTES: readonly AppRoute[] = [
  { key: 'live', path: '/live', roles: ALL_ROLES, icon: <MonitorOutlined />, Page: LiveMonitorPage },
  { key: 'zones', path: '/zones', roles: SITE_READERS, icon: <ApartmentOutlined />, Page: ZonesPage },
  { key: 'doors', path: '/doors', roles: SITE_READERS, icon: <LoginOutlined />, Page: DoorsPage },
  { key: 'people', path: '/people', roles: SITE_READERS, icon: <TeamOutlined />, Page: PeoplePage },
  { key: 'cards', path: '/cards', roles: SITE_READERS, icon: <CreditCardOutlined />, Page: CardsPage },
  { key: 'audit', path: '/audit', roles: ['admin', 'auditor'], icon: <AuditOutlined />, Page: AuditPage },
  { key: 'users', path: '/users', roles: ['admin'], icon: <UserSwitchOutlined />, Page: UsersPage },
];

export const HOME_PATH = '/live';

export function routesFor(role: UserRole): AppRoute[] {
  return APP_ROUTES.filter((route) => route.roles.includes(role));
}
