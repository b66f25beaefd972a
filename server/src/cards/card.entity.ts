import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { CardStatus, CardType } from '@acs/shared/access/model';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { PersonEntity } from '../people/person.entity.js';

export { CLOSED_CARD_STATUSES } from './card-statuses.js';

/** SQL of the partial unique index: one physical card has at most one live card record. */
export const LIVE_CARD_WHERE = `"status" NOT IN ('returned', 'revoked', 'destroyed')`;

@Entity({ name: 'cards' })
@Index('ix_cards_credential', ['credential'])
@Index('ux_cards_live_credential', ['credential'], { unique: true, where: LIVE_CARD_WHERE })
@Index('ix_cards_person', ['personId'])
export class CardEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  /** Canonical credential string (`@acs/shared/credentials/credential`). */
  @Column({ type: 'varchar', length: LEN.credential })
  credential!: string;

  @Column({ type: 'varchar', length: LEN.short })
  type!: CardType;

  @Column({ type: 'varchar', length: LEN.short })
  status!: CardStatus;

  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity)
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_cards_person' })
  person?: Relation<PersonEntity>;

  @EpochMsColumn('valid_from', { nullable: true })
  validFrom!: number | null;

  @EpochMsColumn('valid_until', { nullable: true })
  validUntil!: number | null;

  /** A recorded exception that lifts the card above its type's ceiling (docs/product-rules.md#card-type-ceilings). */
  @Column({ name: 'level_ceiling_override', type: 'integer', nullable: true })
  levelCeilingOverride!: number | null;

  /** Designated for lockdown: opens its doors (within its grants) while they are locked down. */
  @Column({ name: 'lockdown_access', type: 'boolean', default: false })
  lockdownAccess!: boolean;

  @EpochMsColumn('status_changed_at')
  statusChangedAt!: number;

  /** Separation of duties (docs/product-rules.md#separation-of-duties): the approver is neither of the other two. */
  @Column({ name: 'requested_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  requestedByUserId!: string | null;

  @Column({ name: 'approved_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  approvedByUserId!: string | null;

  @Column({ name: 'issued_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  issuedByUserId!: string | null;

  /** The lost or destroyed card this one replaces. */
  @Column({ name: 'replaces_card_id', type: 'varchar', length: LEN.uuid, nullable: true })
  replacesCardId!: string | null;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
