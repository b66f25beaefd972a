import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { WatchlistList } from '@acs/shared/api/reception';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** A name the counter must stop on (watch) or refuse (deny); any match needs a supervisor. */
@Entity({ name: 'watchlist_entries' })
export class WatchlistEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  @Column({ type: 'varchar', length: LEN.short })
  list!: WatchlistList;

  @Column({ type: 'varchar', length: LEN.detail })
  reason!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  createdByUserId!: string | null;

  @EpochMsColumn('created_at')
  createdAt!: number;
}

/** A physical visitor card kept at reception, lent for one visit at a time. */
@Entity({ name: 'visitor_pool_cards' })
export class PoolCardEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.credential })
  credential!: string;

  /** What is printed on the card (`V-07`). */
  @Column({ type: 'varchar', length: '40' })
  label!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: 'available' | 'issued' | 'retired';

  @Column({ name: 'visit_id', type: 'varchar', length: LEN.uuid, nullable: true })
  visitId!: string | null;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}

/**
 * Where each person was last let in (one row per person, updated as events arrive): the
 * on-site and evacuation lists read this, not the event history, so they stay fast with
 * millions of events.
 */
@Entity({ name: 'person_presence' })
@Index('idx_presence_at', ['at'])
export class PresenceEntity {
  @PrimaryColumn({ name: 'person_id', type: 'varchar', length: LEN.uuid })
  personId!: string;

  /** Null when the last door led off site. */
  @Column({ name: 'zone_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  zoneId!: string | null;

  @Column({ name: 'door_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  doorId!: string | null;

  @EpochMsColumn('at')
  at!: number;
}
