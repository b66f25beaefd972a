import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, LEN } from '../database/columns.js';

/**
 * One row per permission version: what changed and when the person clicked. The sync
 * derives deltas from it (which cards to resend) and the revocation proof measures from
 * `at` to each agent's confirmation of `version`.
 */
@Entity('permission_changes')
export class PermissionChangeEntity {
  @PrimaryColumn({ name: 'version', type: 'integer' })
  version!: number;

  @EpochMsColumn('at')
  at!: number;

  @Column({ name: 'reason', type: 'varchar', length: LEN.detail })
  reason!: string;

  /** JSON array of card ids whose entries changed. */
  @Column({ name: 'card_ids', type: 'text' })
  cardIds!: string;

  /** JSON array of person ids whose cards all changed (grants, departure). */
  @Column({ name: 'person_ids', type: 'text' })
  personIds!: string;

  /** Zones, doors, schedules or site settings changed: every agent needs a full set. */
  @Column({ name: 'structural', type: 'boolean' })
  structural!: boolean;

  /** The change takes access away; it travels on the priority path. */
  @Column({ name: 'revokes', type: 'boolean' })
  revokes!: boolean;

  @Column({ name: 'actor_user_id', type: 'varchar', length: LEN.uuid, nullable: true })
  actorUserId!: string | null;
}
