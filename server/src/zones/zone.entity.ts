import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { AntiPassbackMode } from '@acs/shared/access/model';
import { EpochMsColumn, LEN } from '../database/columns.js';
import { PersonEntity } from '../people/person.entity.js';

@Entity({ name: 'zones' })
export class ZoneEntity {
  @PrimaryColumn({ type: 'varchar', length: LEN.zoneId })
  id!: string;

  @Column({ type: 'varchar', length: LEN.name })
  name!: string;

  @Column({ type: 'integer' })
  level!: number;

  /** The outer zone this one is reached through (docs/product-rules.md#zone-nesting-and-doors). */
  @Column({ name: 'parent_id', type: 'varchar', length: LEN.zoneId, nullable: true })
  parentId!: string | null;

  @ManyToOne(() => ZoneEntity)
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_zones_parent' })
  parent?: Relation<ZoneEntity>;

  @Column({ name: 'owner_person_id', type: 'varchar', length: LEN.uuid, nullable: true })
  ownerPersonId!: string | null;

  @ManyToOne(() => PersonEntity)
  @JoinColumn({ name: 'owner_person_id', foreignKeyConstraintName: 'fk_zones_owner_person' })
  ownerPerson?: Relation<PersonEntity>;

  @Column({ name: 'anti_passback', type: 'varchar', length: LEN.short })
  antiPassback!: AntiPassbackMode;

  /** Two authorised people must badge together to enter (docs/product-rules.md#two-person-rule: L3 zones). */
  @Column({ name: 'two_person', type: 'boolean', default: false })
  twoPerson!: boolean;

  @EpochMsColumn('created_at')
  createdAt!: number;

  @EpochMsColumn('updated_at')
  updatedAt!: number;
}
