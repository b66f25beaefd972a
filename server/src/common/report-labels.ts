import type { Locale } from '@acs/shared/api/users';

/**
 * Column headings and values of exported reports in the user's language
 * (docs/product-rules.md#language: printed lists and exported reports follow the user's language).
 */
const LABELS = {
  en: {
    review: {
      zone: 'Zone',
      zoneId: 'Zone id',
      person: 'Person',
      schedule: 'Schedule',
      validUntil: 'Valid until ({{tz}})',
      owner: 'Owner',
      decision: 'Decision',
      decidedBy: 'Decided by',
      decidedAt: 'Decided at ({{tz}})',
      note: 'Note',
    },
    decision: { keep: 'Recertified', remove: 'Removed', pending: 'Not decided' },
    leavers: {
      person: 'Person',
      kind: 'Kind',
      department: 'Department',
      departedAt: 'Departed at ({{tz}})',
      version: 'Permission version',
      cardsRevoked: 'Cards revoked',
      grantsEnded: 'Grants ended',
      allConfirmedAt: 'All agents confirmed at ({{tz}})',
      delaySeconds: 'Seconds to confirmation',
      pendingAgents: 'Agents not yet confirmed',
    },
    visits: {
      visitor: 'Visitor',
      company: 'Company',
      host: 'Host',
      purpose: 'Purpose',
      zones: 'Zones',
      windowStart: 'Window start ({{tz}})',
      windowEnd: 'Window end ({{tz}})',
      checkedIn: 'Checked in ({{tz}})',
      checkedInBy: 'Checked in by',
      signedOut: 'Exit ({{tz}})',
      signedOutBy: 'Signed out by',
      signoutKind: 'Sign-out',
      reason: 'Reason',
      card: 'Card',
      idDocument: 'Identity document (masked)',
      items: 'Items',
      itemsDecision: 'Items decision',
      onSite: 'On site',
      signoutKinds: { guard: 'By guard', end_of_day: 'End-of-day (automatic)' },
    },
    anyTime: 'At any time',
    noEnd: 'No end',
  },
  'zh-CN': {
    review: {
      zone: '区域',
      zoneId: '区域编号',
      person: '人员',
      schedule: '时间表',
      validUntil: '有效期至（{{tz}}）',
      owner: '负责人',
      decision: '审查结论',
      decidedBy: '审查人',
      decidedAt: '审查时间（{{tz}}）',
      note: '备注',
    },
    decision: { keep: '保留', remove: '撤销', pending: '未审查' },
    leavers: {
      person: '人员',
      kind: '类别',
      department: '部门',
      departedAt: '离职时间（{{tz}}）',
      version: '权限版本',
      cardsRevoked: '撤销的卡',
      grantsEnded: '终止的授权',
      allConfirmedAt: '全部代理确认时间（{{tz}}）',
      delaySeconds: '确认用时（秒）',
      pendingAgents: '尚未确认的代理',
    },
    visits: {
      visitor: '访客',
      company: '单位',
      host: '被访人',
      purpose: '事由',
      zones: '区域',
      windowStart: '预约开始（{{tz}}）',
      windowEnd: '预约结束（{{tz}}）',
      checkedIn: '登记入场（{{tz}}）',
      checkedInBy: '登记人',
      signedOut: '离场时间（{{tz}}）',
      signedOutBy: '离场经办人',
      signoutKind: '离场方式',
      reason: '原因',
      card: '卡',
      idDocument: '证件（已脱敏）',
      items: '携带物品',
      itemsDecision: '物品核对处理',
      onSite: '在场',
      signoutKinds: { guard: '保安办理', end_of_day: '日终自动离场' },
    },
    anyTime: '全天',
    noEnd: '无期限',
  },
} as const;

export type ReportLabels = (typeof LABELS)['en'];

export function reportLabels(locale: Locale): ReportLabels {
  return (LABELS[locale] ?? LABELS.en) as ReportLabels;
}

export function withTimeZone(label: string, timeZone: string): string {
  return label.replace('{{tz}}', timeZone);
}
