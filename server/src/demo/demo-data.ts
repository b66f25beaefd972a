import type { EquipmentKind } from '@acs/shared/api/equipment';
import type { CardStatus, CardType, UserRole } from '@acs/shared/access/model';
import type { PersonKind } from '@acs/shared/api/people';
import type { Locale } from '@acs/shared/api/users';
import type { ScheduleWindow } from '@acs/shared/mqtt/payloads';

/** The demo site. Only ever loaded in demo mode. */
export const DEMO_SITE = {
  name: 'Demo HQ',
  timeZone: 'Asia/Shanghai',
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2027-01-01', '2027-05-01'],
};

export const DEMO_AGENT = { id: 'agent-1', name: 'Demo agent 1 演示代理' };

export interface DemoPerson {
  key: string;
  name: string;
  kind: PersonKind;
  department: string | null;
  email: string | null;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { key: 'zhangwei', name: '张伟 Zhang Wei', kind: 'employee', department: 'IT', email: 'zhang.wei@demo.example' },
  { key: 'lina', name: '李娜 Li Na', kind: 'employee', department: 'R&D', email: 'li.na@demo.example' },
  { key: 'wangqiang', name: '王强 Wang Qiang', kind: 'contractor', department: 'Facilities', email: null },
  { key: 'visitor01', name: '访客 Visitor 01', kind: 'visitor', department: null, email: null },
  { key: 'zhaomin', name: '赵敏 Zhao Min', kind: 'employee', department: 'Finance', email: 'zhao.min@demo.example' },
];

/** Departments of the demo people; members get the office by default. */
export const DEMO_DEPARTMENTS: ReadonlyArray<{ name: string; defaultZones: Array<{ zoneId: string; scheduleId: string | null }> }> = [
  { name: 'IT', defaultZones: [{ zoneId: 'office', scheduleId: 'always' }] },
  { name: 'R&D', defaultZones: [{ zoneId: 'office', scheduleId: 'business-hours' }] },
  { name: 'Facilities', defaultZones: [{ zoneId: 'office', scheduleId: 'always' }] },
  { name: 'Finance', defaultZones: [{ zoneId: 'office', scheduleId: 'always' }] },
];

export interface DemoZone {
  id: string;
  name: string;
  level: number;
  parentId: string | null;
  ownerKey: string | null;
}

export const DEMO_ZONES: readonly DemoZone[] = [
  { id: 'lobby', name: '大堂 Lobby', level: 0, parentId: null, ownerKey: null },
  { id: 'office', name: '办公区 Office', level: 1, parentId: 'lobby', ownerKey: null },
  { id: 'lab', name: '实验室 Lab', level: 2, parentId: 'office', ownerKey: 'lina' },
  { id: 'machine-room', name: '机房 Machine room', level: 3, parentId: 'office', ownerKey: 'zhangwei' },
];

export const DEMO_DOORS = [
  { id: 'office-gate', name: '办公区门 Office gate', fromZoneId: 'lobby', toZoneId: 'office' },
  { id: 'lab', name: '实验室门 Lab door', fromZoneId: 'office', toZoneId: 'lab' },
  { id: 'machine-room', name: '机房门 Machine-room door', fromZoneId: 'office', toZoneId: 'machine-room' },
] as const;

export const DEMO_DOOR_TIMING = { releaseMs: 5000, heldOpenMs: 30_000 };

export const DEMO_SCHEDULES: ReadonlyArray<{ id: string; name: string; windows: ScheduleWindow[]; holidays: 'closed' | 'normal' }> = [
  { id: 'always', name: '全天 Always', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }], holidays: 'normal' },
  {
    id: 'business-hours',
    name: '工作时间 Business hours',
    windows: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' }],
    holidays: 'closed',
  },
];

export interface DemoCard {
  credential: string;
  type: CardType;
  status: CardStatus;
  holderKey: string;
}

export const DEMO_CARDS: readonly DemoCard[] = [
  { credential: 'em4100:3887558', type: 'employee', status: 'active', holderKey: 'zhangwei' },
  { credential: 'em4100:1234567', type: 'employee', status: 'active', holderKey: 'lina' },
  { credential: 'em4100:7654321', type: 'contractor', status: 'active', holderKey: 'wangqiang' },
  { credential: 'em4100:5550001', type: 'visitor', status: 'active', holderKey: 'visitor01' },
  { credential: 'em4100:9990001', type: 'employee', status: 'suspended', holderKey: 'zhaomin' },
];

export const DEMO_GRANTS: ReadonlyArray<{ holderKey: string; zoneId: string; scheduleId: string }> = [
  { holderKey: 'zhangwei', zoneId: 'office', scheduleId: 'always' },
  { holderKey: 'zhangwei', zoneId: 'lab', scheduleId: 'always' },
  { holderKey: 'zhangwei', zoneId: 'machine-room', scheduleId: 'always' },
  { holderKey: 'lina', zoneId: 'office', scheduleId: 'business-hours' },
  { holderKey: 'lina', zoneId: 'lab', scheduleId: 'business-hours' },
  // The machine room is L3: the contractor ceiling (L2) denies it at the door.
  { holderKey: 'wangqiang', zoneId: 'office', scheduleId: 'always' },
  { holderKey: 'wangqiang', zoneId: 'machine-room', scheduleId: 'always' },
  { holderKey: 'visitor01', zoneId: 'office', scheduleId: 'always' },
  { holderKey: 'zhaomin', zoneId: 'office', scheduleId: 'always' },
];

export interface DemoSignIn {
  username: string;
  password: string;
  role: UserRole;
  displayName: string;
  locale: Locale;
  personKey: string | null;
}

export const DEMO_SIGN_INS: readonly DemoSignIn[] = [
  { username: 'admin', password: 'admin-demo', role: 'admin', displayName: 'Admin 管理员', locale: 'en', personKey: null },
  { username: 'guard', password: 'guard-demo', role: 'guard', displayName: 'Guard 保安', locale: 'zh-CN', personKey: null },
  {
    username: 'zhangwei',
    password: 'zhangwei-demo',
    role: 'employee',
    displayName: '张伟 Zhang Wei',
    locale: 'zh-CN',
    personKey: 'zhangwei',
  },
  { username: 'auditor', password: 'auditor-demo', role: 'auditor', displayName: 'Auditor 审计员', locale: 'en', personKey: null },
  // A second administrator, so a card requested by `admin` can be approved
  // (separation of duties), and the owner of the lab, who decides requests for it.
  { username: 'approver', password: 'approver-demo', role: 'admin', displayName: 'Approver 审批管理员', locale: 'en', personKey: null },
  { username: 'lina', password: 'lina-demo', role: 'employee', displayName: '李娜 Li Na', locale: 'zh-CN', personKey: 'lina' },
];

/** Visitor cards kept at reception (EM4100, numbers printed on the cards: 0005550101…). */
export const DEMO_POOL_CARDS: ReadonlyArray<{ credential: string; label: string }> = Array.from({ length: 10 }, (_, i) => ({
  credential: `em4100:${5550101 + i}`,
  label: `V-${String(i + 1).padStart(2, '0')}`,
}));

export const DEMO_EQUIPMENT: ReadonlyArray<{
  assetTag: string;
  serial: string | null;
  kind: EquipmentKind;
  description: string;
  ownerKey: string | null;
  homeZoneId: string | null;
  storesData: boolean;
}> = [
  {
    assetTag: 'LT-0001',
    serial: 'PF-2X4K7',
    kind: 'equipment',
    description: 'ThinkPad X1 笔记本',
    ownerKey: 'zhangwei',
    homeZoneId: 'office',
    storesData: true,
  },
  {
    assetTag: 'SRV-0042',
    serial: 'CN7-99812',
    kind: 'equipment',
    description: 'Rack server 机架服务器 R740',
    ownerKey: 'zhangwei',
    homeZoneId: 'machine-room',
    storesData: true,
  },
  {
    assetTag: 'PRN-0003',
    serial: null,
    kind: 'office_equipment',
    description: 'Printer 打印机 M479',
    ownerKey: null,
    homeZoneId: 'office',
    storesData: false,
  },
  {
    assetTag: 'USB-0007',
    serial: 'KS-64-0007',
    kind: 'storage_medium',
    description: 'USB drive 64 GB 加密U盘',
    ownerKey: 'lina',
    homeZoneId: 'lab',
    storesData: true,
  },
];
