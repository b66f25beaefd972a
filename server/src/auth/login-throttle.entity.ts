import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn } from '../database/columns.js';

/** Failed sign-ins per username (`user:…`) and per address (`ip:…`), shared by every instance. */
@Entity('login_throttle')
export class LoginThrottleEntity {
  @PrimaryColumn({ name: 'subject', type: 'varchar', length: '200' })
  subject!: string;

  @Column({ name: 'failures', type: 'integer' })
  failures!: number;

  @EpochMsColumn('first_at')
  firstAt!: number;

  @EpochMsColumn('locked_until')
  lockedUntil!: number;
}
