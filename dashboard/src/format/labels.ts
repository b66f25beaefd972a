import type { TFunction } from 'i18next';
import type { CardStatus, ZoneLevel } from '@acs/shared/access/model';
import type { MovementView } from '@acs/shared/api/equipment';

/** Zone level names: the default set L0-L3 is translated, other levels show their number. */
export function zoneLevelLabel(t: TFunction, level: ZoneLevel): string {
  switch (level) {
    case 0:
      return t('zoneLevel.l0');
    case 1:
      return t('zoneLevel.l1');
    case 2:
      return t('zoneLevel.l2');
    case 3:
      return t('zoneLevel.l3');
    default:
      return t('zoneLevel.other', { level });
  }
}

export function zoneLevelColor(level: ZoneLevel): string {
  if (level <= 0) return 'default';
  if (level === 1) return 'blue';
  if (level === 2) return 'orange';
  return 'red';
}

/** Door and device event types the dashboard can name; anything newer shows its code. */
export function eventTypeLabel(t: TFunction, type: string | null): string {
  if (!type) return t('common.none');
  const key = `eventType.${type}`;
  return t(key as 'eventType.opened', { defaultValue: type });
}

/** Door/device event types that need a guard's attention. */
export const ALARM_EVENT_TYPES: ReadonlySet<string> = new Set(['forced_open', 'held_open', 'tamper', 'reader_fault', 'reader_key_reset']);
export const WARNING_EVENT_TYPES: ReadonlySet<string> = new Set(['held_open_prealarm']);

export function cardStatusColor(status: CardStatus): string {
  switch (status) {
    case 'active':
      return 'green';
    case 'suspended':
      return 'orange';
    case 'lost':
    case 'revoked':
    case 'destroyed':
      return 'red';
    case 'requested':
    case 'approved':
    case 'issued':
      return 'blue';
    case 'returned':
      return 'default';
  }
}

/** The item's description in a movement's snapshot of it (the server writes it as text), or nothing. */
export function snapshotDescription(movement: Pick<MovementView, 'itemSnapshot'>): string {
  const description = movement.itemSnapshot?.description;
  return typeof description === 'string' ? description : '';
}
