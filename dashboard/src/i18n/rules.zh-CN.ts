/**
 * Strings of the door rules of issue 3: lockdown, two-person zones, lockdown-designated
 * cards and the rule settings. Chinese is the source; rules.en.ts mirrors it.
 */
export const rulesZhCN = {
  lockdown: {
    button: '封锁',
    bannerSite: '全站封锁中',
    bannerZone: '区域封锁中：{{zone}}',
    startedBy: '{{name}} 于 {{time}} 发起',
    reason: '原因：{{reason}}',
    end: '解除',
    endConfirm: '确定解除“{{target}}”的封锁吗？',
    endReason: '解除说明（可选）',
    startTitle: '发起封锁',
    startHelp: '受影响的门只对指定的封锁通行卡开放；出门按钮仍可开门，人员始终可以离开。',
    scope: '范围',
    scopeSite: '全站',
    scopeZone: '单个区域（含其内部区域）',
    zone: '区域',
    reasonLabel: '原因',
    reasonRequired: '请说明封锁原因（将记录在审计日志中，并显示给所有保安）',
    start: '发起封锁',
    cancel: '取消',
    started: '封锁已发起，正在下发到各门禁控制器',
    ended: '封锁已解除',
    failed: '操作失败：{{message}}',
    site: '全站',
  },
  doorRules: {
    twoPerson: '双人规则',
    twoPersonHelp: '需两名有权限的人员在短时间内先后刷卡才开门（L3 区域默认开启）',
    twoPersonOn: '双人',
    lockdownAccess: '封锁通行卡',
    lockdownAccessHelp: '封锁期间，此卡仍可在其权限范围内开门（访客卡不可指定）',
    settingsTitle: '门禁规则',
    escortWindow: '陪同时间窗（秒）',
    twoPersonWindow: '双人时间窗（秒）',
    offlineLimit: '离线限制（小时）',
    offlineLimitHelp: '门禁控制器与服务器失联超过该时长后，此类卡片停止使用；留空表示不限制。',
    noLimit: '不限制',
  },
};
