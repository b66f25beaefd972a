/**
 * Reception (docs/product-rules.md#visitors): visits, the watch list, the visitor card pool, the
 * on-site and evacuation lists. Identifiers are stable: stored, exported, translated only
 * at display time.
 */

/**
 * expected: pre-registered by the host, not arrived yet · awaiting_host: a walk-in waiting
 * for the host · denied: the host (or a supervisor at a watch-list match) refused ·
 * on_site: checked in, card active · signed_out: left (by a guard or the end-of-day sweep) ·
 * cancelled: called off before arrival (or never arrived by the end of the window).
 */
export const VISIT_STATUSES = ['expected', 'awaiting_host', 'denied', 'on_site', 'signed_out', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export const VISIT_SOURCES = ['invitation', 'walk_in'] as const;
export type VisitSource = (typeof VISIT_SOURCES)[number];

/** clear: no match · pending: a match waits for a supervisor · allowed / refused: decided. */
export const WATCHLIST_STATUSES = ['clear', 'pending', 'allowed', 'refused'] as const;
export type WatchlistStatus = (typeof WATCHLIST_STATUSES)[number];

export const ID_DOCUMENT_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'driving_licence', 'other'] as const;
export type IdDocumentType = (typeof ID_DOCUMENT_TYPES)[number];

export const VISITOR_ITEM_KINDS = ['laptop', 'storage_media', 'camera', 'phone', 'tools', 'other'] as const;
export type VisitorItemKind = (typeof VISITOR_ITEM_KINDS)[number];

/** guard: signed out at the counter · end_of_day: the sweep closed it, with the reason. */
export const SIGNOUT_KINDS = ['guard', 'end_of_day'] as const;
export type SignoutKind = (typeof SIGNOUT_KINDS)[number];

export interface VisitorItem {
  kind: VisitorItemKind;
  description: string;
  /** Serial or tag, when the item has one: what the sign-out check compares. */
  serial?: string | null;
}

export interface VisitView {
  id: string;
  status: VisitStatus;
  source: VisitSource;
  visitorName: string;
  visitorCompany: string | null;
  visitorPhone: string | null;
  hostPersonId: string;
  hostName: string;
  purpose: string;
  zoneIds: string[];
  windowStart: number;
  windowEnd: number;
  /** The invitation's QR payload (`ACSV1:<token>`); opens nothing until check-in. */
  invitationCode: string | null;
  hostDecision: 'approved' | 'denied' | null;
  hostDecidedBy: string | null;
  hostDecidedAt: number | null;
  hostNote: string | null;
  watchlist: WatchlistStatus;
  /** The entry matched and how closely (0..1): shown to the guard and the supervisor. */
  watchlistMatch: { entryId: string; name: string; list: WatchlistList; reason: string; score: number } | null;
  watchlistDecidedBy: string | null;
  watchlistNote: string | null;
  idDocumentType: IdDocumentType | null;
  /** Never the number: only its last characters. */
  idNumberMasked: string | null;
  idCheckedBy: string | null;
  idCheckedAt: number | null;
  photoConsent: boolean;
  hasPhoto: boolean;
  escortPersonIds: string[];
  escortNames: string[];
  items: VisitorItem[];
  itemsAtSignout: VisitorItem[] | null;
  itemsDecision: string | null;
  credentialKind: 'pool' | 'qr' | null;
  credentialDisplay: string | null;
  cardId: string | null;
  checkedInAt: number | null;
  checkedInBy: string | null;
  signedOutAt: number | null;
  signedOutBy: string | null;
  signoutKind: SignoutKind | null;
  signoutReason: string | null;
  /** Still on site after the window (an alert was raised). */
  overstay: boolean;
  /** Personal data removed after the retention period; the visit and its events remain. */
  anonymisedAt: number | null;
  createdBy: string | null;
  createdAt: number;
}

export const WATCHLIST_LISTS = ['watch', 'deny'] as const;
export type WatchlistList = (typeof WATCHLIST_LISTS)[number];

export interface WatchlistEntryView {
  id: string;
  name: string;
  list: WatchlistList;
  reason: string;
  active: boolean;
  createdBy: string | null;
  createdAt: number;
}

export interface PoolCardView {
  credential: string;
  credentialDisplay: string;
  label: string;
  status: 'available' | 'issued' | 'retired';
  visitId: string | null;
  visitorName: string | null;
}

/** One person on site, where the system last saw them. */
export interface OnSitePerson {
  personId: string | null;
  visitId: string | null;
  name: string;
  kind: 'employee' | 'contractor' | 'visitor';
  zoneId: string | null;
  zoneName: string | null;
  /** When the last door let them in (or, for a visitor not yet badged, the check-in). */
  since: number;
  hostName: string | null;
}

export interface OnSiteList {
  at: number;
  people: OnSitePerson[];
  /** Per zone, for the evacuation (muster) list: one printed page each. */
  zones: Array<{ zoneId: string | null; zoneName: string | null; count: number }>;
  visitors: number;
  employees: number;
}

export interface ReceptionSettingsView {
  /** Site-local time after which a visitor still on site is signed out with a reason (HH:MM). */
  endOfDay: string;
  /** Days after a visit ends until the visitor's personal data is anonymised. */
  retentionDays: number;
}

/** The QR text printed on an invitation; the token alone becomes a `qr:` credential at check-in. */
export const INVITATION_PREFIX = 'ACSV1:';

export function invitationCode(token: string): string {
  return `${INVITATION_PREFIX}${token}`;
}

/**
 * A visitor photo (`PUT /api/visits/:id/photo`, multipart field `photo`): at most this size,
 * a JPEG, PNG or WebP by its content. The dashboard first scales a camera's photo down to
 * PHOTO_MAX_SIDE pixels on its longest side as a JPEG, which lands far below the limit.
 */
export const PHOTO_MAX_BYTES = 1024 * 1024;
export const PHOTO_MAX_SIDE = 800;
