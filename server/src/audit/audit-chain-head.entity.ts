import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsTransformer, LEN } from '../database/columns.js';

export const AUDIT_HEAD_ROW_ID = 1;

/**
 * The single row naming the last entry of the audit chain. Appends lock it (PostgreSQL:
 * `SELECT … FOR UPDATE`) so concurrent transactions extend the chain one after another
 * instead of forking it; a trigger on audit_log keeps it current; verification compares it
 * with the last row, which reveals entries cut off the end.
 */
@Entity({ name: 'audit_chain_head' })
export class AuditChainHeadEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'last_seq', type: 'bigint', transformer: epochMsTransformer })
  lastSeq!: number;

  @Column({ name: 'last_hash', type: 'varchar', length: LEN.hash })
  lastHash!: string;
}
