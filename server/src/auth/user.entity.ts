import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { UserRole } from '@acs/shared/access/model';
import type { Locale } from '@acs/shared/api/users';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { PersonEntity } from '../people/person.entity.js';

@Entity({ name: 'users' })
@Index('ux_users_username', ['username'], { unique: true })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  /** Stored lower-case; sign-in is case-insensitive. */
  @Column({ type: 'varchar', length: LEN.ref })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: LEN.name })
  displayName!: string;

  @Column({ type: 'varchar', length: LEN.short })
  role!: UserRole;

  /** The person this account belongs to (employees see their own data through it). */
  @Column({ name: 'person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity)
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_users_person' })
  person?: Relation<PersonEntity>;

  @Column({ type: 'varchar', length: LEN.short })
  locale!: Locale;

  @Column({ name: 'password_hash', type: 'varchar', length: LEN.secretHash })
  passwordHash!: string;

  /** Seeded demo account: refused in production mode even if the database came from a demo. */
  @Column({ name: 'is_demo', type: 'boolean' })
  isDemo!: boolean;

  /** Disabled by an admin: cannot sign in, sessions ended. */
  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @EpochMsColumn('created_at')
  createdAt!: number;
}
