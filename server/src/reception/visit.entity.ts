import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IdDocumentType, SignoutKind, VisitorItem, VisitSource, VisitStatus, WatchlistStatus } from '@acs/shared/api/reception';
import { EpochMsColumn, LEN } from '../database/columns.js';

/**
 * One visit (docs/product-rules.md#visitor-registration): who comes, to whom, where and when, and every step of the
 * counter procedure with who took it. The visitor's personal data lives here and nowhere
 * else, so anonymisation clears these columns and the visit, its card and its events stay.
 */
@Entity({ name: 'visits' })
@Index('idx_visits_status', ['status'])
@Index('idx_visits_window_start', ['windowStart'])
@Index('idx_visits_host', ['hostPersonId'])
@Index('ux_visits_invitation_token', ['invitationToken'], { unique: true })
@Index('idx_visits_card', ['cardId'])
export class VisitEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: VisitStatus;

  @Column({ type: 'varchar', length: LEN.short })
  source!: VisitSource;

  @Column({ name: 'visitor_name', type: 'varchar', length: LEN.name })
  visitorName!: string;

  @Column({ name: 'visitor_company', type: 'varchar', length: LEN.name, nullable: true })
  visitorCompany!: string | null;

  @Column({ name: 'visitor_phone', type: 'varchar', length: '40', nullable: true })
  visitorPhone!: string | null;

  @Column({ name: 'host_person_id', type: 'varchar', length: LEN.uuid })
  hostPersonId!: string;

  @Column({ type: 'varchar', length: LEN.detail })
  purpose!: string;

  @Column({ name: 'zone_ids', type: 'simple-json' })
  zoneIds!: string[];

  @EpochMsColumn('window_start')
  windowStart!: number;

  @EpochMsColumn('window_end')
  windowEnd!: number;

  /** The invitation's secret; its QR opens nothing until a guard checks the visitor in. */
  @Column({ name: 'invitation_token', type: 'varchar', length: '64', nullable: true })
  invitationToken!: string | null;

  @Column({ name: 'host_decision', type: 'varchar', length: LEN.short, nullable: true })
  hostDecision!: 'approved' | 'denied' | null;

  @Column({ name: 'host_decided_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  hostDecidedByUserId!: string | null;

  @EpochMsColumn('host_decided_at', { nullable: true })
  hostDecidedAt!: number | null;

  @Column({ name: 'host_note', type: 'varchar', length: LEN.detail, nullable: true })
  hostNote!: string | null;

  @Column({ name: 'watchlist_status', type: 'varchar', length: LEN.short })
  watchlistStatus!: WatchlistStatus;

  @Column({ name: 'watchlist_entry_id', type: 'varchar', length: LEN.uuid, nullable: true })
  watchlistEntryId!: string | null;

  @Column({ name: 'watchlist_score', type: 'real', nullable: true })
  watchlistScore!: number | null;

  @Column({ name: 'watchlist_decided_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  watchlistDecidedByUserId!: string | null;

  @Column({ name: 'watchlist_note', type: 'varchar', length: LEN.detail, nullable: true })
  watchlistNote!: string | null;

  @Column({ name: 'id_document_type', type: 'varchar', length: '32', nullable: true })
  idDocumentType!: IdDocumentType | null;

  /** Last four characters only; the number itself is never stored. */
  @Column({ name: 'id_number_masked', type: 'varchar', length: '40', nullable: true })
  idNumberMasked!: string | null;

  /** Keyed hash (HMAC under the server's master key): matches a returning visitor, reveals nothing. */
  @Column({ name: 'id_number_hash', type: 'varchar', length: LEN.hash, nullable: true })
  idNumberHash!: string | null;

  @Column({ name: 'id_checked_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  idCheckedByUserId!: string | null;

  @EpochMsColumn('id_checked_at', { nullable: true })
  idCheckedAt!: number | null;

  @Column({ name: 'photo_consent', type: 'boolean', default: false })
  photoConsent!: boolean;

  /** A JPEG/PNG data URL, kept only with recorded consent. */
  @Column({ type: 'text', nullable: true })
  photo!: string | null;

  @Column({ name: 'escort_person_ids', type: 'simple-json' })
  escortPersonIds!: string[];

  @Column({ type: 'simple-json' })
  items!: VisitorItem[];

  @Column({ name: 'items_at_signout', type: 'simple-json', nullable: true })
  itemsAtSignout!: VisitorItem[] | null;

  /** The guard's decision when the items at sign-out differ from those at check-in. */
  @Column({ name: 'items_decision', type: 'varchar', length: LEN.detail, nullable: true })
  itemsDecision!: string | null;

  /** The visitor's person record: holder of the visit card and its grants. */
  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  personId!: string | null;

  @Column({ name: 'card_id', type: 'varchar', length: LEN.uuid, nullable: true })
  cardId!: string | null;

  @Column({ name: 'credential_kind', type: 'varchar', length: LEN.short, nullable: true })
  credentialKind!: 'pool' | 'qr' | null;

  @Column({ type: 'varchar', length: LEN.credential, nullable: true })
  credential!: string | null;

  @EpochMsColumn('checked_in_at', { nullable: true })
  checkedInAt!: number | null;

  @Column({ name: 'checked_in_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  checkedInByUserId!: string | null;

  @EpochMsColumn('signed_out_at', { nullable: true })
  signedOutAt!: number | null;

  @Column({ name: 'signed_out_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  signedOutByUserId!: string | null;

  @Column({ name: 'signout_kind', type: 'varchar', length: LEN.short, nullable: true })
  signoutKind!: SignoutKind | null;

  @Column({ name: 'signout_reason', type: 'varchar', length: LEN.detail, nullable: true })
  signoutReason!: string | null;

  @EpochMsColumn('overstay_at', { nullable: true })
  overstayAt!: number | null;

  @EpochMsColumn('anonymised_at', { nullable: true })
  anonymisedAt!: number | null;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  createdByUserId!: string | null;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
