/**
 * The ISO/IEC 27001:2022 Annex A controls this system supports (GB/T 22080-2025 keeps the
 * numbering), with what the system does for each, in English and Chinese. The figures come
 * from the records at export time (evidence.service.ts).
 */
export type Lang = 'en' | 'zh-CN';
export type ControlId =
  '5.15' | '5.16' | '5.17' | '5.18' | '7.1' | '7.2' | '7.3' | '7.4' | '7.9' | '7.10' | '7.13' | '7.14' | '8.15' | '8.17';

export interface Fact {
  label: Record<Lang, string>;
  value: string;
}

export interface Control {
  id: ControlId;
  title: Record<Lang, string>;
  measures: Record<Lang, string[]>;
}

export const CONTROLS: readonly Control[] = [
  {
    id: '5.15',
    title: { en: 'Access control', 'zh-CN': '访问控制' },
    measures: {
      en: [
        'Zones carry levels L0-L3; each card type has a level ceiling; grants are per zone with schedule and expiry.',
        'Every badge is decided at the door controller from a signed-off, versioned permission set, also offline.',
        'L3 zones apply the two-person rule; visitors need an escort at L1+; anti-passback per zone.',
      ],
      'zh-CN': [
        '区域分为 L0-L3 四级；每种卡类型设有等级上限；授权按区域设置，并带时间表和有效期。',
        '每次刷卡由门控制器依据有版本号的权限集在本地判定，离线时同样有效。',
        'L3 区域执行双人规则；访客在 L1 及以上区域须有陪同；各区域可启用防回传。',
      ],
    },
  },
  {
    id: '5.16',
    title: { en: 'Identity management', 'zh-CN': '身份管理' },
    measures: {
      en: [
        'One physical card belongs to one person at a time; card lifecycle requested → approved → issued → active with separation of duties.',
        'Marking a person as departed revokes every card and grant at once; the system records when each door controller applied it.',
      ],
      'zh-CN': [
        '一张实体卡同一时间只属于一人；卡片生命周期为申请→审批→发放→启用，并执行职责分离。',
        '人员标记离职后立即撤销其全部卡和授权，系统记录每个门控制器生效的时间。',
      ],
    },
  },
  {
    id: '5.17',
    title: { en: 'Authentication information', 'zh-CN': '鉴别信息' },
    measures: {
      en: [
        'Passwords are hashed with scrypt; common passwords and short passwords are refused; sign-in attempts are throttled.',
        'OSDP reader keys are sealed with AES-256-GCM under the server master key and never logged.',
        'Visitor identity numbers are kept only masked and as a keyed hash.',
      ],
      'zh-CN': [
        '口令使用 scrypt 哈希存储；拒绝常见口令和过短口令；登录尝试受频率限制。',
        'OSDP 读卡器密钥以服务器主密钥经 AES-256-GCM 加密保存，且从不写入日志。',
        '访客证件号码仅保存脱敏形式和带密钥的哈希。',
      ],
    },
  },
  {
    id: '5.18',
    title: { en: 'Access rights', 'zh-CN': '访问权限' },
    measures: {
      en: [
        'Access requests are decided by the zone owner; periodic access reviews record a decision per grant.',
        'Movers and leavers lose access at once, pushed to every door controller on the priority path.',
      ],
      'zh-CN': ['访问申请由区域负责人审批；定期访问审查对每项授权记录结论。', '调岗和离职人员的权限立即收回，并优先推送到每个门控制器。'],
    },
  },
  {
    id: '7.1',
    title: { en: 'Physical security perimeters', 'zh-CN': '物理安全边界' },
    measures: {
      en: ['Doors join zones of the perimeter; door contacts report forced and held-open doors as alerts within a second.'],
      'zh-CN': ['门连接边界上的各区域；门磁在一秒内将强行开门和长时间未关上报为告警。'],
    },
  },
  {
    id: '7.2',
    title: { en: 'Physical entry', 'zh-CN': '物理入口' },
    measures: {
      en: [
        'Visitors are pre-registered by a host or approved by the host at the counter, checked against a watch list, identified by a checked document, and get a card limited to their zones and window.',
        'Every visit has an entry and an exit time; visitors still on site at the end of the day are signed out with the reason recorded.',
      ],
      'zh-CN': [
        '访客由被访人预约或在前台经被访人确认，经关注名单核查和证件核验，领取仅限其区域和时段的访客卡。',
        '每次来访都有入场和离场时间；日终仍在场的访客被自动离场并记录原因。',
      ],
    },
  },
  {
    id: '7.3',
    title: { en: 'Securing offices, rooms and facilities', 'zh-CN': '办公室、房间和设施的安全保护' },
    measures: {
      en: [
        'Machine rooms and labs are L2/L3 zones with stricter rules; a site or zone lockdown refuses every card but those designated for it.',
      ],
      'zh-CN': ['机房和实验室属于 L2/L3 区域，规则更严格；站点或区域封锁时除指定卡外一律拒绝。'],
    },
  },
  {
    id: '7.4',
    title: { en: 'Physical security monitoring', 'zh-CN': '物理安全监视' },
    measures: {
      en: [
        'Alerts reach the guards live with sound; each is acknowledged with a note; unacknowledged critical alerts escalate; alerts become incidents with an owner and a timeline.',
      ],
      'zh-CN': ['告警实时推送给保安并发出声音；每条告警须填写备注确认；未确认的重大告警自动升级；告警可转为有负责人和时间线的事件。'],
    },
  },
  {
    id: '7.9',
    title: { en: 'Security of assets off-premises', 'zh-CN': '场外资产的安全' },
    measures: {
      en: [
        'Equipment leaves only with a gate pass approved by someone other than the requester; returnable passes carry an expected return date and raise an alert when overdue.',
      ],
      'zh-CN': ['设备须持有经他人审批的出门条方可带出；可返还门条设有预计返回日期，逾期自动告警。'],
    },
  },
  {
    id: '7.10',
    title: { en: 'Storage media', 'zh-CN': '存储介质' },
    measures: {
      en: [
        'Storage media are registered before use; unregistered media carried into L2/L3 zones is recorded as a violation and raises an alert.',
      ],
      'zh-CN': ['存储介质须先登记后使用；未登记介质带入 L2/L3 区域即记录为违规并告警。'],
    },
  },
  {
    id: '7.13',
    title: { en: 'Equipment maintenance', 'zh-CN': '设备维护' },
    measures: {
      en: [
        'An item that stores data leaves for repair only with a recorded wipe or storage removal, and returns to service only after a seal or tamper check; seals are applied, inspected and replaced on record.',
      ],
      'zh-CN': ['存储数据的设备送修前须记录数据擦除或拆除存储，返回后须经封条或防拆检查方可恢复使用；封条的加封、检查和更换均有记录。'],
    },
  },
  {
    id: '7.14',
    title: { en: 'Secure disposal or re-use of equipment', 'zh-CN': '设备的安全处置或再利用' },
    measures: {
      en: [
        'Disposal and non-returnable passes record how the data was handled; every movement is an append-only record with the item as it was.',
      ],
      'zh-CN': ['报废和不返还门条记录数据处理方式；每次流转都是只追加的记录，保存当时的设备描述。'],
    },
  },
  {
    id: '8.15',
    title: { en: 'Logging', 'zh-CN': '日志' },
    measures: {
      en: [
        'Every change and sign-in is in an append-only audit log whose entries are hash-chained; database triggers refuse edits and deletions; the chain can be verified at any time.',
      ],
      'zh-CN': ['每次变更和登录均写入只追加的审计日志，条目以哈希链相连；数据库触发器拒绝修改和删除；可随时校验哈希链。'],
    },
  },
  {
    id: '8.17',
    title: { en: 'Clock synchronization', 'zh-CN': '时钟同步' },
    measures: {
      en: [
        'Door controllers report their clock with every confirmation; a drift beyond the threshold raises an alert; reports use the site time zone.',
      ],
      'zh-CN': ['门控制器每次确认时上报其时钟；偏差超过阈值即告警；报表统一使用站点时区。'],
    },
  },
];
