import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** `pending`: sent, not confirmed; `active`: the reader's key; `retired`: replaced; `failed`: never installed. */
export type ReaderKeyStatus = 'pending' | 'active' | 'retired' | 'failed';

/**
 * An OSDP reader key (SCBK) the server generated, sealed with AES-256-GCM under the
 * master key (`ReaderKeyVault`); the key itself is never stored or returned in clear.
 */
@Entity({ name: 'reader_keys' })
@Index('ix_reader_keys_reader', ['readerRef'])
export class ReaderKeyEntity {
  /** Also the key id the agent reports. */
  @PrimaryColumn({ type: 'varchar', length: LEN.uuid })
  id!: string;

  @Column({ name: 'reader_ref', type: 'varchar', length: '128' })
  readerRef!: string;

  @Column({ type: 'varchar', length: LEN.short })
  status!: ReaderKeyStatus;

  @Column({ type: 'text' })
  sealed!: string;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @Column({ name: 'created_by', type: 'varchar', length: LEN.uuid, nullable: true })
  createdBy!: string | null;

  @EpochMsColumn('installed_at', { nullable: true })
  installedAt!: number | null;

  @EpochMsColumn('retired_at', { nullable: true })
  retiredAt!: number | null;
}
