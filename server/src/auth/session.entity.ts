import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { UserEntity } from './user.entity.js';

/** A signed-in session. Only the SHA-256 of the bearer token is stored. */
@Entity({ name: 'sessions' })
@Index('ix_sessions_user', ['userId'])
@Index('ix_sessions_expires_at', ['expiresAt'])
export class SessionEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: LEN.hash })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'varchar', length: LEN.uuid })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sessions_user' })
  user?: Relation<UserEntity>;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('last_used_at')
  lastUsedAt!: number;

  /** Slides forward with use (ACS_SESSION_TTL_MINUTES). */
  @EpochMsColumn('expires_at')
  expiresAt!: number;
}
