import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { CardStatus } from '@acs/shared/access/model';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { CardEntity } from './card.entity.js';

/** One step of a card's lifecycle: from which status to which, who, when and why. */
@Entity({ name: 'card_history' })
@Index('ix_card_history_card', ['cardId', 'at'])
export class CardHistoryEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'card_id', type: 'varchar', length: LEN.uuid })
  cardId!: string;

  @ManyToOne(() => CardEntity)
  @JoinColumn({ name: 'card_id', foreignKeyConstraintName: 'fk_card_history_card' })
  card?: Relation<CardEntity>;

  /** null for the request that created the card. */
  @Column({ name: 'from_status', type: 'varchar', length: LEN.short, nullable: true })
  fromStatus!: CardStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: LEN.short })
  toStatus!: CardStatus;

  @EpochMsColumn('at')
  at!: number;

  /** null when the system made the step (e.g. no signed-in user on the CLI). */
  @Column({ name: 'actor_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'varchar', length: LEN.detail, nullable: true })
  note!: string | null;
}
