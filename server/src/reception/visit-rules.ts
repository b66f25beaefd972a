import { PHOTO_MAX_BYTES, type ReceptionSettingsView, type VisitorItem } from '@acs/shared/api/reception';
import { isValidCredential } from '@acs/shared/credentials/credential';
import { credentialFromCardNumber } from '@acs/shared/credentials/card-number';
import type { UploadRule } from '../common/file-upload.js';

export const DEFAULT_RECEPTION_SETTINGS: ReceptionSettingsView = { endOfDay: '23:00', retentionDays: 180 };
/** Longest visit one registration may cover; longer stays are contractors with cards. */
export const MAX_WINDOW_MS = 14 * 24 * 3_600_000;
/** A visitor may be checked in this long before the window opens (early arrivals). */
export const EARLY_CHECK_IN_MS = 60 * 60_000;
/**
 * The dashboard shrinks a phone photo to 800 px (100-200 KB as JPEG) before sending; 1 MB
 * leaves room for a camera or client that sends its own smaller file.
 */
export const PHOTO_UPLOAD: UploadRule = { field: 'photo', maxBytes: PHOTO_MAX_BYTES, kinds: ['jpeg', 'png', 'webp'], required: true };

/** What a guard scans or types for a pool card, as a canonical credential. */
export function credentialFromTyped(input: string): { ok: true; credential: string } | { ok: false; error: string } {
  const text = input.trim();
  if (isValidCredential(text)) return { ok: true, credential: text };
  if (/^\d{1,10}$/.test(text)) return credentialFromCardNumber('em4100', text);
  if (/^\d{1,3}\s*[,:]\s*\d{1,5}$/.test(text)) return credentialFromCardNumber('h10301', text);
  if (/^[0-9a-fA-F:\s-]{8,}$/.test(text)) return credentialFromCardNumber('uid', text);
  return { ok: false, error: 'cardNumber: scan the card, or type its 10-digit number, FC:CN or chip UID' };
}

/** Items compare by kind and serial (or description when there is no serial), case and spaces aside. */
function itemKey(item: VisitorItem): string {
  const id = (item.serial?.trim() || item.description).normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${item.kind}\u0000${id}`;
}

export function compareItems(
  before: readonly VisitorItem[],
  after: readonly VisitorItem[],
): { missing: VisitorItem[]; extra: VisitorItem[] } {
  const remaining = new Map<string, VisitorItem[]>();
  for (const item of before) remaining.set(itemKey(item), [...(remaining.get(itemKey(item)) ?? []), item]);
  const extra: VisitorItem[] = [];
  for (const item of after) {
    const list = remaining.get(itemKey(item));
    if (list?.length) list.pop();
    else extra.push(item);
  }
  return { missing: [...remaining.values()].flat(), extra };
}

export function cleanItem(item: VisitorItem): VisitorItem {
  return { kind: item.kind, description: item.description.trim(), serial: item.serial?.trim() || null };
}
