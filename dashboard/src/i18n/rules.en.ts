import type { rulesZhCN } from './rules.zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const rulesEn: Shape<typeof rulesZhCN> = {
  lockdown: {
    button: 'Lockdown',
    bannerSite: 'Site lockdown in force',
    bannerZone: 'Zone lockdown: {{zone}}',
    startedBy: 'started by {{name}} at {{time}}',
    reason: 'Reason: {{reason}}',
    end: 'End',
    endConfirm: 'End the lockdown of “{{target}}”?',
    endReason: 'Note on ending (optional)',
    startTitle: 'Start a lockdown',
    startHelp: 'Affected doors open only for cards designated for lockdown; exit buttons still release the lock, so people can always leave.',
    scope: 'Scope',
    scopeSite: 'Whole site',
    scopeZone: 'One zone (and the zones inside it)',
    zone: 'Zone',
    reasonLabel: 'Reason',
    reasonRequired: 'Say why (kept in the audit log and shown to every guard)',
    start: 'Start lockdown',
    cancel: 'Cancel',
    started: 'Lockdown started; it is on its way to the door controllers',
    ended: 'Lockdown ended',
    failed: 'Failed: {{message}}',
    site: 'Whole site',
  },
  doorRules: {
    twoPerson: 'Two-person rule',
    twoPersonHelp: 'Two authorised people must badge within a short window before the door opens (on by default for L3)',
    twoPersonOn: 'Two-person',
    lockdownAccess: 'Lockdown access',
    lockdownAccessHelp: 'During a lockdown this card still opens doors within its permissions (not for visitor cards)',
    settingsTitle: 'Door rules',
    escortWindow: 'Escort window (seconds)',
    twoPersonWindow: 'Two-person window (seconds)',
    offlineLimit: 'Offline limit (hours)',
    offlineLimitHelp: 'After the door controller has been out of touch with the server this long, cards of this type stop working; empty means no limit.',
    noLimit: 'No limit',
  },
};
