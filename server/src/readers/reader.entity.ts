import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReaderDirection } from '@acs/shared/access/model';
import { EpochMsColumn, LEN } from '../database/columns.js';

/** A reader as its agent last reported it (channel `readers`). */
@Entity({ name: 'readers' })
@Index('ix_readers_agent', ['agentId'])
export class ReaderEntity {
  /** `<agentId>.<readerId>`. */
  @PrimaryColumn({ type: 'varchar', length: '128' })
  id!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: LEN.slug })
  agentId!: string;

  @Column({ name: 'reader_id', type: 'varchar', length: LEN.slug })
  readerId!: string;

  @Column({ type: 'varchar', length: '32' })
  type!: string;

  @Column({ name: 'door_id', type: 'varchar', length: LEN.slug })
  doorId!: string;

  @Column({ type: 'varchar', length: LEN.short })
  direction!: ReaderDirection;

  @Column({ type: 'boolean' })
  online!: boolean;

  @Column({ type: 'varchar', length: '64', nullable: true })
  fault!: string | null;

  /** The OSDP part of the report (JSON), null for other readers. */
  @Column({ type: 'text', nullable: true })
  osdp!: string | null;

  /** Server time of the report. */
  @EpochMsColumn('reported_at')
  reportedAt!: number;
}
